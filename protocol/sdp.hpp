#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/rtp.hpp"

namespace mixmatrix::protocol {

/// What an SDP description (RFC 4566) of one RTP audio stream states.
struct sdp_stream {
  std::string session_name;           ///< s=
  std::string origin_address;         ///< o=: the sending host's address
  std::uint64_t session_id = 0;       ///< o=: stable for the session's life
  std::uint64_t session_version = 0;  ///< o=: rises with every change
  std::string address;                ///< c=: where the packets go, numeric
  std::uint32_t ttl = 1;              ///< c=: of an IPv4 multicast address
  std::uint16_t port = 0;
  std::uint8_t payload_type = rtp_l16_stereo;
  rtp_encoding encoding = rtp_encoding::l16;
  std::uint32_t rate = 44100;
  std::uint32_t channels = 2;
  double ptime_ms = 5;  ///< a=ptime (AES67 allows fractions: 0.125)
  bool aes67 = false;   ///< the reference and media clock lines (RFC 7273): timestamps on a clock
  std::optional<std::uint32_t> media_clock_offset;  ///< a=mediaclk:direct=N, as read
  std::string reference_clock;                      ///< a=ts-refclk:..., as read
  std::size_t audio_media = 1;  ///< how many m=audio lines were read (this is the first usable)
};

/// The description's lines, in the order RFC 4566 wants them, without line ends.
std::vector<std::string> sdp_lines(const sdp_stream& s);
/// Whether `clock` may follow a=ts-refclk: (RFC 7273's sources: local, localmac=, ntp=, ptp=, gps,
/// gal, glonass, private), printable and without spaces, at most 200 characters.
bool valid_reference_clock(std::string_view clock);

/// Reads a description (LF or CRLF lines) for its first audio medium we can receive: RTP/AVP with
/// L16 or L24 (an a=rtpmap) or payload type 10 or 11; its connection (media or session level)
/// must be a numeric address. A 400 failure saying what is missing or wrong otherwise.
result<sdp_stream> parse_sdp(std::string_view text);

/// The receiver's view of `s`: its address and port, and its payload format.
rtp_source source_of(const sdp_stream& s);

}  // namespace mixmatrix::protocol
