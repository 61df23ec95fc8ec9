#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "protocol/failure.hpp"

namespace mixmatrix::protocol {

/// The port SAP announcements go to (RFC 2974).
inline constexpr std::uint16_t sap_port = 9875;

/// One SAP packet (RFC 2974 version 1, unencrypted, uncompressed): an announcement or deletion of
/// the session its SDP describes.
struct sap_message {
  bool deletion = false;
  std::uint16_t hash = 0;  ///< the message id hash: with the origin, names this version of the SDP
  std::string origin;      ///< the announcing host's numeric IPv4 or IPv6 address
  std::string sdp;         ///< the description, as its lines
};

/// The packet: header, origin, `application/sdp` and the description.
std::vector<std::byte> write_sap(const sap_message& m);

/// Reads a SAP packet; a 400 failure saying why when it is not one we can read (not version 1,
/// encrypted, compressed, cut short, or carrying another payload than SDP).
result<sap_message> parse_sap(std::span<const std::byte> packet);

}  // namespace mixmatrix::protocol
