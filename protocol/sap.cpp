#include "protocol/sap.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace mixmatrix::protocol {
namespace {
// The first byte's fields: version 1 in the top three bits, then A (IPv6 origin), R (reserved),
// T (deletion), E (encrypted), C (compressed).
constexpr unsigned version_1 = 0x20;
constexpr unsigned ipv6_origin = 0x10;
constexpr unsigned deletion_bit = 0x04;
constexpr unsigned encrypted_bit = 0x02;
constexpr unsigned compressed_bit = 0x01;
constexpr std::string_view sdp_type = "application/sdp";

failure bad(const std::string& why) {
  return {code::bad_request, "not a SAP packet we read: " + why};
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

std::vector<std::byte> write_sap(const sap_message& m) {
  std::array<unsigned char, 16> address{};
  const bool v6 = inet_pton(AF_INET6, m.origin.c_str(), address.data()) == 1;
  if (!v6 && inet_pton(AF_INET, m.origin.c_str(), address.data()) != 1) address.fill(0);
  std::vector<std::byte> out;
  out.push_back(static_cast<std::byte>(version_1 | (v6 ? ipv6_origin : 0) | (m.deletion ? deletion_bit : 0)));
  out.push_back(std::byte{0});  // no authentication
  out.push_back(static_cast<std::byte>(m.hash >> 8));
  out.push_back(static_cast<std::byte>(m.hash & 0xff));
  for (std::size_t i = 0; i < (v6 ? 16u : 4u); ++i) out.push_back(static_cast<std::byte>(address[i]));
  for (const char c : sdp_type) out.push_back(static_cast<std::byte>(c));
  out.push_back(std::byte{0});
  for (const char c : m.sdp) out.push_back(static_cast<std::byte>(c));
  return out;
}

result<sap_message> parse_sap(std::span<const std::byte> packet) {
  if (packet.size() < 4) return bad("shorter than its header");
  const auto first = std::to_integer<unsigned>(packet[0]);
  if ((first >> 5) != 1) return bad("version " + std::to_string(first >> 5));
  if (first & encrypted_bit) return bad("encrypted");
  if (first & compressed_bit) return bad("compressed");
  const bool v6 = (first & ipv6_origin) != 0;
  const std::size_t origin_bytes = v6 ? 16 : 4;
  const std::size_t auth_bytes = 4 * std::to_integer<std::size_t>(packet[1]);
  std::size_t at = 4 + origin_bytes + auth_bytes;
  if (packet.size() < at) return bad("shorter than its origin and authentication");
  sap_message m;
  m.deletion = (first & deletion_bit) != 0;
  m.hash = static_cast<std::uint16_t>(std::to_integer<unsigned>(packet[2]) << 8 |
                                      std::to_integer<unsigned>(packet[3]));
  std::array<char, INET6_ADDRSTRLEN> text{};
  inet_ntop(v6 ? AF_INET6 : AF_INET, packet.data() + 4, text.data(), text.size());
  m.origin = text.data();
  const std::string_view rest(reinterpret_cast<const char*>(packet.data() + at), packet.size() - at);
  if (rest.starts_with("v=0")) {  // no payload type: SDP (RFC 2974 section 6)
    m.sdp = rest;
    return m;
  }
  const auto end_of_type = rest.find('\0');
  if (end_of_type == std::string_view::npos) return bad("no payload type");
  if (!same_ignoring_case(rest.substr(0, end_of_type), sdp_type)) {
    return bad("payload " + std::string(rest.substr(0, std::min<std::size_t>(end_of_type, 64))) +
               ", not SDP");
  }
  m.sdp = rest.substr(end_of_type + 1);
  return m;
}

}  // namespace mixmatrix::protocol
