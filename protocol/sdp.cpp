#include "protocol/sdp.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <map>

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

// 5, or 0.125: no trailing zeros.
std::string ptime_text(double ms) {
  std::string text = std::to_string(ms);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

failure bad(const std::string& why) {
  return {code::bad_request, "SDP: " + why};
}

template <class T>
std::optional<T> number(std::string_view text) {
  T v{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::vector<std::string_view> fields(std::string_view text, char separator = ' ') {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto at = text.find(separator);
    if (at != 0) out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return out;
}

bool numeric_address(const std::string& address) {
  std::array<unsigned char, 16> binary{};
  return inet_pton(AF_INET, address.c_str(), binary.data()) == 1 ||
         inet_pton(AF_INET6, address.c_str(), binary.data()) == 1;
}

struct connection {
  std::string address;
  std::uint32_t ttl = 1;
};

// `IN IP4 ADDR[/TTL[/COUNT]]` or `IN IP6 ADDR[/COUNT]`.
result<connection> parse_connection(std::string_view value) {
  const auto f = fields(value);
  if (f.size() != 3 || f[0] != "IN" || (f[1] != "IP4" && f[1] != "IP6"))
    return bad("c= is not IN IP4|IP6 ADDRESS");
  const auto parts = fields(f[2], '/');
  connection c{std::string(parts.empty() ? std::string_view{} : parts[0]), 1};
  if (!numeric_address(c.address)) return bad("c= address " + c.address + " is not numeric");
  if (f[1] == "IP4" && parts.size() >= 2) c.ttl = number<std::uint32_t>(parts[1]).value_or(1);
  return c;
}

// An m=audio section as read.
struct medium {
  std::uint16_t port = 0;
  std::string proto;
  std::vector<std::uint8_t> payload_types;
  std::optional<connection> where;
  std::map<std::uint8_t, rtp_payload_format> rtpmap;
  std::map<std::uint8_t, std::string> unknown_encodings;
  std::optional<double> ptime;
  std::optional<std::uint32_t> media_clock;
  std::string reference_clock;
};

// `PT ENCODING/RATE[/CHANNELS]` of a=rtpmap; only L16 and L24 are kept, others named.
void read_rtpmap(std::string_view value, medium& m) {
  const auto f = fields(value);
  if (f.size() != 2) return;
  const auto pt = number<unsigned>(f[0]);
  const auto parts = fields(f[1], '/');
  if (!pt || *pt > 127 || parts.size() < 2) return;
  std::string encoding(parts[0]);
  std::transform(encoding.begin(), encoding.end(), encoding.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  const auto rate = number<std::uint32_t>(parts[1]);
  const auto channels = parts.size() >= 3 ? number<std::uint32_t>(parts[2]) : std::optional<std::uint32_t>(1);
  if ((encoding != "l16" && encoding != "l24") || !rate || !channels) {
    m.unknown_encodings[static_cast<std::uint8_t>(*pt)] = std::string(f[1]);
    return;
  }
  m.rtpmap[static_cast<std::uint8_t>(*pt)] =
      rtp_payload_format{encoding == "l16" ? rtp_encoding::l16 : rtp_encoding::l24, *rate, *channels};
}

// The reference and media clock attributes, at session or media level.
void read_clock(std::string_view name, std::string_view value, std::optional<std::uint32_t>& media_clock,
                std::string& reference_clock) {
  if (name == "ts-refclk") reference_clock = std::string(value);
  if (name == "mediaclk" && value.starts_with("direct=")) {
    const auto offset = fields(value.substr(7));  // direct=OFFSET [rate=...]
    media_clock = offset.empty() ? 0 : number<std::uint32_t>(offset[0]).value_or(0);
  }
}

}  // namespace

std::vector<std::string> sdp_lines(const sdp_stream& s) {
  const std::string pt = std::to_string(s.payload_type);
  std::string connection = "c=" + address_line(s.address);
  if (is_multicast(s.address) && !is_ipv6(s.address)) connection += "/" + std::to_string(s.ttl);
  std::vector<std::string> lines{
      "v=0",
      "o=- " + std::to_string(s.session_id) + " " + std::to_string(s.session_version) + " " +
          address_line(s.origin_address),
      "s=" + s.session_name,
      connection,
      "t=0 0",
      "m=audio " + std::to_string(s.port) + " RTP/AVP " + pt,
      "a=rtpmap:" + pt + " " + rtp_encoding_name(s.encoding) + "/" + std::to_string(s.rate) + "/" +
          std::to_string(s.channels),
      "a=ptime:" + ptime_text(s.ptime_ms),
  };
  if (s.aes67) {
    lines.emplace_back("a=ts-refclk:" +
                       (s.reference_clock.empty() ? std::string("local") : s.reference_clock));
    lines.emplace_back("a=mediaclk:direct=0");
  }
  lines.emplace_back("a=recvonly");
  return lines;
}

bool valid_reference_clock(std::string_view clock) {
  if (clock.empty() || clock.size() > 200 ||
      !std::all_of(clock.begin(), clock.end(), [](char c) { return c > ' ' && c < 127; })) {
    return false;
  }
  if (clock.starts_with("ptp=") || clock.starts_with("ntp=")) return clock.size() > 4;
  if (clock.starts_with("localmac=")) return clock.size() > 9;
  return clock == "local" || clock == "gps" || clock == "gal" || clock == "glonass" || clock == "private" ||
         clock.starts_with("private:");
}

result<sdp_stream> parse_sdp(std::string_view text) {
  if (text.size() > 65536) return bad("longer than 64 KiB");
  sdp_stream s;
  bool versioned = false;
  std::optional<connection> session_where;
  std::optional<std::uint32_t> session_clock;
  std::string session_reference;
  std::vector<medium> audio;
  std::size_t audio_count = 0;
  bool in_media = false;  // past the first m= line: attributes belong to a medium
  std::size_t line_number = 0;
  for (auto line : fields(text, '\n')) {
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.size() < 2 || line[1] != '=')
      return bad("line " + std::to_string(line_number) + " is not TYPE=VALUE");
    const std::string_view value = line.substr(2);
    medium* current = in_media && !audio.empty() && audio.back().proto != "-" ? &audio.back() : nullptr;
    switch (line[0]) {
      case 'v':
        if (value != "0") return bad("version " + std::string(value) + ", not 0");
        versioned = true;
        break;
      case 'o': {
        const auto f = fields(value);
        if (f.size() != 6) return bad("o= needs six fields");
        s.session_id = number<std::uint64_t>(f[1]).value_or(0);
        s.session_version = number<std::uint64_t>(f[2]).value_or(0);
        s.origin_address = std::string(f[5]);
        break;
      }
      case 's':
        s.session_name = std::string(value);
        break;
      case 'c': {
        auto c = parse_connection(value);
        if (!c) return c.error();
        if (current) {
          current->where = c.value();
        } else if (!in_media) {
          session_where = c.value();
        }
        break;
      }
      case 'm': {
        in_media = true;
        const auto f = fields(value);
        if (f.size() < 4 || f[0] != "audio") {
          audio.push_back(medium{0, "-", {}, {}, {}, {}, {}, {}, {}});  // not audio: its lines are skipped
          break;
        }
        medium m;
        const auto port = fields(f[1], '/');  // PORT[/COUNT]; "/" alone has no port
        m.port = port.empty() ? 0 : number<std::uint16_t>(port[0]).value_or(0);
        m.proto = std::string(f[2]);
        for (std::size_t i = 3; i < f.size(); ++i) {
          if (const auto pt = number<unsigned>(f[i]); pt && *pt <= 127)
            m.payload_types.push_back(static_cast<std::uint8_t>(*pt));
        }
        audio.push_back(std::move(m));
        ++audio_count;
        break;
      }
      case 'a': {
        const auto colon = value.find(':');
        const auto name = value.substr(0, colon);
        const auto attribute = colon == std::string_view::npos ? std::string_view{} : value.substr(colon + 1);
        if (current) {
          if (name == "rtpmap") read_rtpmap(attribute, *current);
          if (name == "ptime") {
            char* end = nullptr;
            const std::string copy(attribute);
            const double ms = std::strtod(copy.c_str(), &end);
            if (end != copy.c_str() && ms > 0 && ms <= 1000) current->ptime = ms;
          }
          read_clock(name, attribute, current->media_clock, current->reference_clock);
        } else if (!in_media) {
          read_clock(name, attribute, session_clock, session_reference);
        }
        break;
      }
      default:
        break;
    }
  }
  if (!versioned) return bad("no v=0 line");
  s.audio_media = audio_count;
  if (audio_count == 0) return bad("no m=audio line");
  std::string why = "no m=audio line with L16 or L24 over RTP/AVP";
  for (const auto& m : audio) {
    if (m.proto == "-") continue;
    if (!m.proto.starts_with("RTP/AVP") || m.port == 0) continue;
    for (const std::uint8_t pt : m.payload_types) {
      std::optional<rtp_payload_format> format;
      if (const auto it = m.rtpmap.find(pt); it != m.rtpmap.end()) {
        format = it->second;
      } else if (pt == rtp_l16_stereo || pt == rtp_l16_mono) {
        format = rtp_payload_format{rtp_encoding::l16, 44100, pt == rtp_l16_stereo ? 2u : 1u};
      } else if (const auto named = m.unknown_encodings.find(pt); named != m.unknown_encodings.end()) {
        why = "payload " + named->second + " is not L16 or L24";
      }
      if (!format) continue;
      if (format->channels < 1 || format->channels > 2) {
        why = std::to_string(format->channels) + " channels: 1 or 2 are received";
        continue;
      }
      if (format->rate < 8000 || format->rate > 192000) {
        why = "rate " + std::to_string(format->rate) + " is outside 8000..192000";
        continue;
      }
      const auto& where = m.where ? m.where : session_where;
      if (!where) return bad("no c= line for the audio on port " + std::to_string(m.port));
      s.address = where->address;
      s.ttl = where->ttl;
      s.port = m.port;
      s.payload_type = pt;
      s.encoding = format->encoding;
      s.rate = format->rate;
      s.channels = format->channels;
      s.ptime_ms = m.ptime.value_or(0);
      s.media_clock_offset = m.media_clock ? m.media_clock : session_clock;
      s.reference_clock = m.reference_clock.empty() ? session_reference : m.reference_clock;
      s.aes67 = s.media_clock_offset.has_value();
      return s;
    }
  }
  return bad(why);
}

rtp_source source_of(const sdp_stream& s) {
  return rtp_source{s.address, s.port, rtp_payload_format{s.encoding, s.rate, s.channels},
                    s.media_clock_offset.value_or(0)};
}

}  // namespace mixmatrix::protocol
