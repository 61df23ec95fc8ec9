#include "protocol/rtp.hpp"

namespace mixmatrix::protocol {
namespace {

std::uint32_t read_u32(std::span<const std::byte> p) {
  return std::to_integer<std::uint32_t>(p[0]) << 24 | std::to_integer<std::uint32_t>(p[1]) << 16 |
         std::to_integer<std::uint32_t>(p[2]) << 8 | std::to_integer<std::uint32_t>(p[3]);
}

void write_u32(std::uint32_t v, std::span<std::byte> p) {
  for (int i = 0; i < 4; ++i) p[static_cast<std::size_t>(i)] = static_cast<std::byte>(v >> (24 - 8 * i));
}

failure bad(std::string why) { return {code::bad_request, "not an RTP packet: " + std::move(why)}; }

}  // namespace

const char* rtp_encoding_name(rtp_encoding e) { return e == rtp_encoding::l16 ? "L16" : "L24"; }

void write_rtp_header(const rtp_header& h, std::span<std::byte, rtp_header_bytes> out) {
  out[0] = std::byte{0x80};  // version 2
  out[1] = static_cast<std::byte>((h.marker ? 0x80 : 0x00) | (h.payload_type & 0x7f));
  out[2] = static_cast<std::byte>(h.sequence >> 8);
  out[3] = static_cast<std::byte>(h.sequence & 0xff);
  write_u32(h.timestamp, std::span(out).subspan(4, 4));
  write_u32(h.ssrc, std::span(out).subspan(8, 4));
}

result<rtp_packet> parse_rtp(std::span<const std::byte> datagram) {
  if (datagram.size() < rtp_header_bytes) return bad("shorter than its header");
  const auto first = std::to_integer<unsigned>(datagram[0]);
  if (first >> 6 != 2) return bad("version " + std::to_string(first >> 6));
  const std::size_t csrcs = first & 0x0f;
  std::size_t at = rtp_header_bytes + 4 * csrcs;
  if (datagram.size() < at) return bad("shorter than its CSRC list");
  if (first & 0x10) {  // an extension: 4 bytes of profile and length, then length words
    if (datagram.size() < at + 4) return bad("shorter than its extension header");
    const std::size_t words = std::to_integer<std::size_t>(datagram[at + 2]) << 8 | std::to_integer<std::size_t>(datagram[at + 3]);
    at += 4 + 4 * words;
    if (datagram.size() < at) return bad("shorter than its extension");
  }
  std::size_t end = datagram.size();
  if (first & 0x20) {  // padding: its last byte counts the padding bytes, itself included
    const auto padding = std::to_integer<std::size_t>(datagram.back());
    if (padding == 0 || padding > end - at) return bad("padding longer than the payload");
    end -= padding;
  }
  const auto second = std::to_integer<unsigned>(datagram[1]);
  rtp_packet p;
  p.header.marker = (second & 0x80) != 0;
  p.header.payload_type = static_cast<std::uint8_t>(second & 0x7f);
  p.header.sequence = static_cast<std::uint16_t>(std::to_integer<unsigned>(datagram[2]) << 8 | std::to_integer<unsigned>(datagram[3]));
  p.header.timestamp = read_u32(datagram.subspan(4, 4));
  p.header.ssrc = read_u32(datagram.subspan(8, 4));
  p.payload = datagram.subspan(at, end - at);
  return p;
}

std::uint8_t payload_type_of(const rtp_target& t, std::uint32_t rate) {
  if (t.payload_type) return *t.payload_type;
  return t.encoding == rtp_encoding::l16 && rate == 44100 ? rtp_l16_stereo : rtp_dynamic;
}

std::uint32_t ptime_of(const rtp_target& t, std::uint32_t rate) {
  if (t.ptime_ms) return *t.ptime_ms;
  return aes67_profile(t, rate) ? 1 : 5;
}

bool aes67_profile(const rtp_target& t, std::uint32_t rate) {
  return t.encoding == rtp_encoding::l24 && rate == 48000;
}

std::uint32_t media_clock_timestamp(std::int64_t system_ns, std::uint32_t rate) {
  constexpr std::int64_t second = 1'000'000'000;
  const std::int64_t r = rate;
  return static_cast<std::uint32_t>(
      static_cast<std::uint64_t>(system_ns / second * r + system_ns % second * r / second));
}

std::string format_rtp_address(const std::string& address, std::uint16_t port) {
  const bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::string format_rtp_target(const rtp_target& t) {
  std::string text = format_rtp_address(t.address, t.port);
  if (t.encoding != rtp_encoding::l16) text += std::string(" format ") + rtp_encoding_name(t.encoding);
  if (t.ptime_ms) text += " ptime " + std::to_string(*t.ptime_ms);
  if (t.ttl != 1) text += " ttl " + std::to_string(t.ttl);
  if (t.payload_type) text += " pt " + std::to_string(*t.payload_type);
  return text;
}

std::optional<rtp_payload_format> payload_format_for(std::uint8_t pt,
                                                     const std::optional<rtp_payload_format>& format) {
  const auto static_format = [](std::uint8_t type) -> std::optional<rtp_payload_format> {
    if (type == rtp_l16_stereo) return rtp_payload_format{rtp_encoding::l16, 44100, 2};
    if (type == rtp_l16_mono) return rtp_payload_format{rtp_encoding::l16, 44100, 1};
    return std::nullopt;
  };
  if (!format) return static_format(pt);
  if (pt >= rtp_dynamic || static_format(pt) == format) return format;
  return std::nullopt;
}

std::string format_rtp_source(const rtp_source& s) {
  std::string text = format_rtp_address(s.address, s.port);
  if (s.format) {
    text += std::string(" format ") + rtp_encoding_name(s.format->encoding) + " " +
            std::to_string(s.format->rate) + " " + std::to_string(s.format->channels);
  }
  return text;
}

}  // namespace mixmatrix::protocol
