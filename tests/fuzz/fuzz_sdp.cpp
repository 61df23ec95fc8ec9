// Fuzz target: protocol::parse_sdp, the SDP files of `input add NAME sdp PATH` (and, with SAP, what
// any host on the network announces). Checks, beyond sanitizers: a description read has a numeric
// address, a port, 1 or 2 channels at 8 to 192 kHz; and written back with sdp_lines, it reads as
// the same stream.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "protocol/sdp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mixmatrix;
  using fuzz::check;
  const std::string_view text = fuzz::as_text(data, size);
  const auto parsed = protocol::parse_sdp(text);
  if (!parsed) {
    check(!parsed.error().text.empty(), "a refusal without a reason", text);
    return 0;
  }
  const auto& s = parsed.value();
  check(!s.address.empty() && s.port != 0, "a stream without an address or port", text);
  check(s.channels == 1 || s.channels == 2, "a channel count other than 1 or 2", text);
  check(s.rate >= 8000 && s.rate <= 192000, "a rate out of range", text);
  check(s.audio_media >= 1, "a stream without an audio medium", text);
  auto copy = s;
  if (copy.ptime_ms <= 0) copy.ptime_ms = 1;
  // What sdp_lines writes always has an origin (our senders name their address); one read
  // without an o= line is given one.
  if (copy.origin_address.empty()) copy.origin_address = "0.0.0.0";
  std::string written;
  for (const auto& line : protocol::sdp_lines(copy)) written += line + "\r\n";
  const auto again = protocol::parse_sdp(written);
  check(static_cast<bool>(again), "a stream written back does not read", written);
  const auto& a = again.value();
  check(a.address == s.address && a.port == s.port && a.encoding == s.encoding && a.rate == s.rate &&
            a.channels == s.channels && a.payload_type == s.payload_type,
        "a stream written back reads otherwise", written);
  return 0;
}
