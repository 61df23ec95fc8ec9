#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/rtp.hpp"

namespace mixmatrix::protocol {

/// What an SDP description (RFC 4566) of one RTP audio stream states.
struct sdp_stream {
  std::string session_name;     ///< s=
  std::string origin_address;   ///< o=: the sending host's address
  std::uint64_t session_id = 0;  ///< o=: the session's id and version
  std::string address;          ///< c=: where the packets go, numeric
  std::uint32_t ttl = 1;        ///< c=: of an IPv4 multicast address
  std::uint16_t port = 0;
  std::uint8_t payload_type = rtp_l16_stereo;
  rtp_encoding encoding = rtp_encoding::l16;
  std::uint32_t rate = 44100;
  std::uint32_t channels = 2;
  std::uint32_t ptime_ms = 5;
  bool aes67 = false;  ///< adds the reference and media clock lines (RFC 7273): timestamps on the local clock
};

/// The description's lines, in the order RFC 4566 wants them, without line ends.
std::vector<std::string> sdp_lines(const sdp_stream& s);

}  // namespace mixmatrix::protocol
