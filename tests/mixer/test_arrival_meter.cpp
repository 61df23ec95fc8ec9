#include <doctest/doctest.h>

#include "mixer/arrival_meter.hpp"

using mixmatrix::mixer::arrival_meter;

namespace {

constexpr double bytes_per_second = 176400.0;
constexpr std::size_t packet_bytes = 1764;  // 10 ms

// Packets of 10 ms from `from` to `to` seconds, on time but for those sent within [stall_at,
// stall_at + stall), which arrive together when it ends.
void send(arrival_meter& m, double from, double to, double stall_at = -1.0, double stall = 0.0) {
  for (double t = from; t < to; t += 0.01) {
    const bool held = t >= stall_at && t < stall_at + stall;
    m.arrived(packet_bytes, held ? stall_at + stall : t);
  }
}

}  // namespace

TEST_CASE("arrival_meter: a steady sender needs its packet, a stall at its start counts at once") {
  arrival_meter m(bytes_per_second);
  send(m, 0.0, 10.0);
  CHECK(m.needed() == doctest::Approx(0.01).epsilon(0.05));
  arrival_meter started(bytes_per_second);
  send(started, 0.0, 3.0, 1.5, 0.2);
  CHECK(started.needed() > 0.2);
}

TEST_CASE("arrival_meter: one stall of 200 ms is forgotten at once, a second within 30 s is sized for") {
  arrival_meter m(bytes_per_second);
  send(m, 0.0, 10.0, 8.3, 0.2);
  CHECK(m.needed() < 0.02);
  send(m, 10.0, 20.0, 15.3, 0.2);
  CHECK(m.needed() > 0.2);
  send(m, 20.0, 50.0);  // both have aged out
  CHECK(m.needed() < 0.02);
}
