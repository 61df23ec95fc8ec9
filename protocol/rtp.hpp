#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "protocol/failure.hpp"

namespace mixmatrix::protocol {

/// RTP's linear PCM payloads, big-endian: L16 (RFC 3551) and L24 (RFC 3190).
enum class rtp_encoding { l16, l24 };

/// "L16" or "L24".
const char* rtp_encoding_name(rtp_encoding e);
/// Bytes of one sample.
inline std::size_t rtp_sample_bytes(rtp_encoding e) { return e == rtp_encoding::l16 ? 2 : 3; }

/// The static payload types of RFC 3551 that are linear PCM at 44.1 kHz.
inline constexpr std::uint8_t rtp_l16_stereo = 10;  ///< L16, 44100 Hz, 2 channels
inline constexpr std::uint8_t rtp_l16_mono = 11;    ///< L16, 44100 Hz, 1 channel
/// The first dynamic payload type: what a stream of any other format is sent as.
inline constexpr std::uint8_t rtp_dynamic = 96;

/// The fixed RTP header (RFC 3550 §5.1) of the packets we send: version 2, no padding, extension
/// or CSRC.
struct rtp_header {
  bool marker = false;
  std::uint8_t payload_type = rtp_l16_stereo;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
};

/// What an RTP stream's packets did on their way, as `show` counts them.
struct rtp_counts {
  std::uint64_t packets = 0;     ///< taken into the stream
  std::uint64_t lost = 0;        ///< never came: their frames played as silence
  std::uint64_t late = 0;        ///< came after their frames were played: dropped
  std::uint64_t reordered = 0;   ///< came after a packet that follows them, in time for their place
  std::uint64_t duplicates = 0;  ///< came twice: the copy dropped
  std::uint64_t resyncs = 0;     ///< a new SSRC or a timestamp jump started the timeline again
};

/// Bytes of the fixed header.
inline constexpr std::size_t rtp_header_bytes = 12;

/// Writes `h` into the first rtp_header_bytes of `out`, in network byte order.
void write_rtp_header(const rtp_header& h, std::span<std::byte, rtp_header_bytes> out);

/// A received packet: its header and its payload (past CSRCs and extension, without padding).
struct rtp_packet {
  rtp_header header;
  std::span<const std::byte> payload;
};

/// Parses a datagram as RTP; a 400 failure saying why when it is not (too short for its header,
/// CSRCs or extension, not version 2, padding longer than the packet).
result<rtp_packet> parse_rtp(std::span<const std::byte> datagram);

/// `rtp ADDR:PORT [format L16|L24] [ptime MS] [ttl N] [pt N]` of `mix add`: where and how a mix
/// is sent as RTP.
struct rtp_target {
  std::string address;  ///< numeric IPv4 or IPv6, unicast or multicast
  std::uint16_t port = 0;
  rtp_encoding encoding = rtp_encoding::l16;
  std::optional<std::uint32_t> ptime_ms;      ///< none: 1 for L24 at 48 kHz (AES67), else 5
  std::uint32_t ttl = 1;                      ///< multicast hops
  std::optional<std::uint8_t> payload_type;   ///< none: 10 for L16 at 44.1 kHz stereo, else 96
  bool operator==(const rtp_target&) const = default;
};

/// The payload type `t` is sent with at `rate` Hz, stereo.
std::uint8_t payload_type_of(const rtp_target& t, std::uint32_t rate);
/// The packet time of `t` at `rate` Hz, in ms.
std::uint32_t ptime_of(const rtp_target& t, std::uint32_t rate);
/// Whether `t` at `rate` Hz is AES67's profile (L24 at 48 kHz): 1 ms packets, media-clock timestamps.
bool aes67_profile(const rtp_target& t, std::uint32_t rate);
/// The AES67 media clock (`a=mediaclk:direct=0`) at `system_ns` (nanoseconds of the system clock
/// since the epoch): frames at `rate` since the epoch, modulo 2^32.
std::uint32_t media_clock_timestamp(std::int64_t system_ns, std::uint32_t rate);
/// `t` as `mix add` takes it after the keyword rtp: `ADDR:PORT format L16 ...`, with only what
/// was given.
std::string format_rtp_target(const rtp_target& t);

/// How a received stream's payload is to be read: L16 or L24 at `rate` with 1 or 2 channels.
struct rtp_payload_format {
  rtp_encoding encoding = rtp_encoding::l16;
  std::uint32_t rate = 44100;
  std::uint32_t channels = 2;
  bool operator==(const rtp_payload_format&) const = default;
};

/// `rtp ADDR:PORT [format L16|L24 RATE CHANNELS]` of `input add`: where and how an input receives
/// RTP.
struct rtp_source {
  std::string address;  ///< numeric: a local address, 0.0.0.0 or :: for any, or a group to join
  std::uint16_t port = 0;
  std::optional<rtp_payload_format> format;  ///< none: told by the static payload type, 10 or 11
  std::uint32_t media_clock_offset = 0;      ///< a=mediaclk:direct=N: timestamps N frames ahead
  bool operator==(const rtp_source&) const = default;
};

/// How a packet of payload type `pt` is read by a source expecting `format`: without one, the
/// static types 10 and 11; with one, it, for a dynamic type or the static type it is. None: the
/// packet is not of the stream.
std::optional<rtp_payload_format> payload_format_for(std::uint8_t pt,
                                                     const std::optional<rtp_payload_format>& format);
/// `s` as `input add` takes it after the keyword rtp: `ADDR:PORT [format L24 48000 2]`.
std::string format_rtp_source(const rtp_source& s);
/// `ADDR:PORT`, with brackets around an IPv6 address.
std::string format_rtp_address(const std::string& address, std::uint16_t port);

}  // namespace mixmatrix::protocol
