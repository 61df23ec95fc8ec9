// Fuzz target: protocol::parse_rtp and the receiver's reorder stage (rtp_reorder), as a stream of
// datagrams from a hostile network. The input is a list of datagrams, each a length byte and that
// many bytes. Checks, beyond sanitizers: a parsed payload lies inside its datagram, past the fixed
// header; every released sample pair is a whole frame; the reorder stage never releases more
// silence in one push than its largest jump, and its counts never exceed the packets pushed.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "fuzz_support.hpp"
#include "protocol/rtp.hpp"
#include "server/net/rtp/rtp_reorder.hpp"

namespace {
using namespace mixmatrix;
using fuzz::check;
constexpr std::size_t window = 64;
constexpr std::size_t max_jump = 4096;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  server::rtp_reorder reorder(window, max_jump);
  std::vector<std::int16_t> out;
  std::vector<std::int16_t> samples;
  std::uint64_t pushed = 0;
  for (std::size_t at = 0; at < size;) {
    const std::size_t length = std::min<std::size_t>(data[at], size - at - 1);
    const auto datagram = std::as_bytes(std::span(data + at + 1, length));
    at += 1 + length;
    const auto packet = protocol::parse_rtp(datagram);
    if (!packet) continue;
    const auto payload = packet.value().payload;
    check(payload.data() >= datagram.data() + protocol::rtp_header_bytes &&
              payload.data() + payload.size() <= datagram.data() + datagram.size(),
          "a payload outside its datagram");
    samples.resize(payload.size() / 4 * 2);
    if (!samples.empty()) std::memcpy(samples.data(), payload.data(), samples.size() * 2);
    out.clear();
    reorder.push(packet.value().header, samples, out);
    if (!samples.empty()) ++pushed;
    check(out.size() % 2 == 0, "half a frame released");
    // What one push releases: what is held (at most the window past a gap, plus the largest packet
    // brought), its gaps as silence, and the resync's flush, each bounded by the largest jump.
    check(out.size() / 2 <= 2 * (max_jump + window + 4096), "a push released more than a jump and a window");
  }
  const auto& c = reorder.counts();
  check(c.packets + c.duplicates + c.late <= pushed, "more packets counted than pushed");
  out.clear();
  reorder.flush(out);
  check(!reorder.holding(), "packets held after a flush");
  return 0;
}
