#include "protocol/sdp.hpp"

#include <cstdlib>

namespace mixmatrix::protocol {
namespace {

bool is_ipv6(const std::string& address) { return address.find(':') != std::string::npos; }

// IPv4 224.0.0.0/4, IPv6 ff00::/8.
bool is_multicast(const std::string& address) {
  if (is_ipv6(address)) return address.size() >= 2 && (address[0] == 'f' || address[0] == 'F') && (address[1] == 'f' || address[1] == 'F');
  const int first = std::atoi(address.c_str());
  return first >= 224 && first <= 239;
}

std::string address_line(const std::string& address) { return (is_ipv6(address) ? "IN IP6 " : "IN IP4 ") + address; }

}  // namespace

std::vector<std::string> sdp_lines(const sdp_stream& s) {
  const std::string pt = std::to_string(s.payload_type);
  std::string connection = "c=" + address_line(s.address);
  if (is_multicast(s.address) && !is_ipv6(s.address)) connection += "/" + std::to_string(s.ttl);
  std::vector<std::string> lines{
      "v=0",
      "o=- " + std::to_string(s.session_id) + " " + std::to_string(s.session_id) + " " + address_line(s.origin_address),
      "s=" + s.session_name,
      connection,
      "t=0 0",
      "m=audio " + std::to_string(s.port) + " RTP/AVP " + pt,
      "a=rtpmap:" + pt + " " + rtp_encoding_name(s.encoding) + "/" + std::to_string(s.rate) + "/" +
          std::to_string(s.channels),
      "a=ptime:" + std::to_string(s.ptime_ms),
  };
  if (s.aes67) {
    lines.emplace_back("a=ts-refclk:local");
    lines.emplace_back("a=mediaclk:direct=0");
  }
  lines.emplace_back("a=recvonly");
  return lines;
}

}  // namespace mixmatrix::protocol
