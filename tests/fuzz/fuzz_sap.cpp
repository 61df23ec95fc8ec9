// Fuzz target: protocol::parse_sap, what any host may send to port 9875 of the groups --sap
// listens on, and parse_sdp of what it carries. Checks, beyond sanitizers: a packet read names a
// numeric origin, and written back with write_sap reads the same (for the origins write_sap
// writes: numeric IPv4 or IPv6).

#include <arpa/inet.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz_support.hpp"
#include "protocol/sap.hpp"
#include "protocol/sdp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mixmatrix;
  using fuzz::check;
  const auto message = protocol::parse_sap(std::as_bytes(std::span(data, size)));
  if (!message) return 0;
  const auto& m = message.value();
  std::array<unsigned char, 16> binary{};
  check(inet_pton(AF_INET, m.origin.c_str(), binary.data()) == 1 ||
            inet_pton(AF_INET6, m.origin.c_str(), binary.data()) == 1,
        "an origin that is not a numeric address", m.origin);
  check(m.sdp.size() < size, "an SDP longer than its packet");
  const auto again = protocol::parse_sap(protocol::write_sap(m));
  check(static_cast<bool>(again), "a message written back does not read", m.sdp);
  check(again.value().deletion == m.deletion && again.value().hash == m.hash &&
            again.value().origin == m.origin && again.value().sdp == m.sdp,
        "a message written back reads otherwise", m.sdp);
  (void)protocol::parse_sdp(m.sdp);
  return 0;
}
