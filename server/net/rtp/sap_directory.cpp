#include "server/net/rtp/sap_directory.hpp"

#include "protocol/words.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {
namespace {
using namespace std::chrono_literals;
// RFC 2974 asks for an announcement every 300 s or less on a busy scope; gear announces every
// 1-30 s, and a newcomer should not wait long to hear us.
constexpr auto announce_every = 30s;
// A session not heard for ten of its intervals (at least a minute) is gone.
constexpr auto shortest_timeout = 60s;
// The groups are joined again this often: a link that went away and came back has lost the
// kernel's memberships.
constexpr auto rejoin_every = 5s;

std::string sdp_text(const protocol::sdp_stream& s) {
  std::string text;
  for (const auto& line : protocol::sdp_lines(s)) text += line + "\r\n";
  return text;
}

// The message id hash: the same for the same version of a session, never 0 (RFC 2974 section 5).
std::uint16_t hash_of(const protocol::sdp_stream& s) {
  const auto h = static_cast<std::uint16_t>((s.session_id * 2654435761u) ^ (s.session_version * 40503u));
  return h == 0 ? 1 : h;
}

// What names a session across its versions: the o= line's id and address (RFC 4566 section 5.2),
// read from any SDP, also a deletion's, which may hold little else.
std::optional<std::string> session_key(std::string_view sdp) {
  for (std::size_t at = 0; at < sdp.size();) {
    const auto end = std::min(sdp.find('\n', at), sdp.size());
    std::string_view line = sdp.substr(at, end - at);
    at = end + 1;
    if (!line.starts_with("o=")) continue;
    if (line.ends_with('\r')) line.remove_suffix(1);
    std::vector<std::string_view> f;
    for (std::size_t p = 2; p <= line.size();) {
      const auto space = std::min(line.find(' ', p), line.size());
      if (space > p) f.push_back(line.substr(p, space - p));
      p = space + 1;
    }
    if (f.size() != 6) return std::nullopt;
    return std::string(f[5]) + " " + std::string(f[1]);
  }
  return std::nullopt;
}
}  // namespace

sap_directory::sap_directory(asio::io_context& io, const sap_options& options, const rtp_senders& senders,
                             rtp_receivers& receivers)
    : io_(io), options_(options), senders_(senders), receivers_(receivers), timer_(io) {}

void sap_directory::start() {
  if (!options_.enabled) return;
  try {
    out_.emplace(io_, udp::v4());
    out_->set_option(asio::ip::multicast::hops(static_cast<int>(options_.ttl)));
    out_->set_option(asio::ip::multicast::enable_loopback(true));
    out_->non_blocking(true);
    out_->connect({asio::ip::make_address_v4(options_.address), protocol::sap_port});
    origin_ = out_->local_endpoint().address().to_string();
  } catch (const boost::system::system_error& e) {
    log(log_level::warn, "SAP: cannot announce on " + options_.address + ": " + e.code().message());
    out_.reset();
  }
  try {
    in_.emplace(io_, udp::v4());
    in_->set_option(udp::socket::reuse_address(true));
    in_->bind({asio::ip::address_v4::any(), protocol::sap_port});
    join_groups(true);
    receive();
  } catch (const boost::system::system_error& e) {
    log(log_level::warn, "SAP: cannot listen on port 9875: " + e.code().message());
    in_.reset();
  }
  log(log_level::info, "SAP: announcing on " + options_.address + " (ttl " + std::to_string(options_.ttl) +
                           "), listening on " + std::to_string(options_.groups.size()) + " groups");
  tick();
}

void sap_directory::stop() {
  if (stopped_) return;
  stopped_ = true;
  for (const auto& [id, a] : ours_) send(a, true);
  ours_.clear();
  timer_.cancel();
  error_code ignored;
  if (out_) out_->close(ignored);
  if (in_) in_->close(ignored);
}

std::vector<std::string> sap_directory::source_lines() const {
  std::vector<std::string> lines;
  const auto now = clock::now();
  for (const auto& [key, h] : heard_) {
    const auto& s = h.stream;
    std::string name = protocol::quote_word(s.session_name);
    if (!name.starts_with('"')) name = "\"" + name + "\"";
    lines.push_back("sap " + name + " " + protocol::format_rtp_address(s.address, s.port) + " " +
                    protocol::rtp_encoding_name(s.encoding) + " " + std::to_string(s.rate) + " " +
                    std::to_string(s.channels) + " from=" + h.from + " age_s=" +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - h.last).count()));
  }
  return lines;
}

protocol::result<std::string> sap_directory::subscribe(std::shared_ptr<mixer::input_channel> input,
                                                       const std::string& session) {
  if (!options_.enabled)
    return protocol::failure{protocol::code::conflict, "SAP is off (start mixmatrixd with --sap)"};
  const heard* found = nullptr;
  for (const auto& [key, h] : heard_) {
    if (h.stream.session_name == session && (!found || h.last > found->last)) found = &h;
  }
  const rtp_origin origin{"sap", session};
  const std::string named = "SAP session " + protocol::quote_word(session);
  if (!found) {
    receivers_.hold(std::move(input), origin);
    return "waiting for " + named;
  }
  const auto source = protocol::source_of(found->stream);
  if (auto refused = receivers_.receive(std::move(input), source, origin)) return *refused;
  return "receiving " + protocol::format_rtp_source(source) + " from " + named;
}

void sap_directory::join_groups(bool first) {
  last_join_ = clock::now();
  for (const auto& group : options_.groups) {
    const auto address = asio::ip::make_address_v4(group);
    error_code ec;
    if (!first) in_->set_option(asio::ip::multicast::leave_group(address), ec);
    in_->set_option(asio::ip::multicast::join_group(address), ec);
    if (ec && first) log(log_level::warn, "SAP: cannot listen on " + group + ": " + ec.message());
  }
}

void sap_directory::tick() {
  if (stopped_) return;
  const auto now = clock::now();
  if (in_ && now - last_join_ >= rejoin_every) join_groups(false);
  announce_changes(now);
  expire(now);
  timer_.expires_after(1s);
  timer_.async_wait([this](const error_code& ec) {
    if (!ec) tick();
  });
}

void sap_directory::announce_changes(clock::time_point now) {
  if (!out_) return;
  const auto current = senders_.descriptions();
  std::map<std::uint64_t, bool> present;
  for (const auto& [name, stream] : current) {
    present[stream.session_id] = true;
    auto text = sdp_text(stream);
    auto it = ours_.find(stream.session_id);
    if (it == ours_.end() || it->second.text != text) {
      it = ours_.insert_or_assign(stream.session_id, announced{stream, std::move(text), now}).first;
      send(it->second, false);
    } else if (now - it->second.sent >= announce_every) {
      it->second.sent = now;
      send(it->second, false);
    }
  }
  for (auto it = ours_.begin(); it != ours_.end();) {
    if (present.contains(it->first)) {
      ++it;
      continue;
    }
    send(it->second, true);
    it = ours_.erase(it);
  }
}

void sap_directory::send(const announced& a, bool deletion) {
  if (!out_) return;
  const auto packet = protocol::write_sap({deletion, hash_of(a.stream), origin_, a.text});
  error_code ec;
  out_->send(asio::buffer(packet), 0, ec);
  if (ec) log(log_level::debug, "SAP: announcement not sent: " + ec.message());
}

void sap_directory::receive() {
  in_->async_receive_from(asio::buffer(buffer_), sender_, [this](const error_code& ec, std::size_t n) {
    if (stopped_ || ec == asio::error::operation_aborted) return;
    if (!ec) take(std::span(buffer_).first(n));
    receive();
  });
}

void sap_directory::take(std::span<const std::byte> packet) {
  // Anyone on the network may send anything here: what is not a SAP announcement of an SDP we can
  // read is dropped.
  const auto message = protocol::parse_sap(packet);
  if (!message) return;
  const auto key = session_key(message.value().sdp);
  if (!key) return;
  const auto known = heard_.find(*key);
  if (message.value().deletion) {
    if (known != heard_.end()) forget(known);
    return;
  }
  const auto stream = protocol::parse_sdp(message.value().sdp);
  if (!stream) return;
  const auto now = clock::now();
  const std::string from = sender_.address().to_string();
  if (known == heard_.end()) {
    heard_.emplace(*key, heard{stream.value(), from, message.value().hash, now, {}});
    log(log_level::info, "SAP: heard \"" + stream.value().session_name + "\" from " + from);
    receivers_.follow(stream.value().session_name, protocol::source_of(stream.value()));
    return;
  }
  heard& h = known->second;
  h.interval = now - h.last;
  h.last = now;
  if (h.hash == message.value().hash) return;  // the same version again
  const std::string old_name = h.stream.session_name;
  h.stream = stream.value();
  h.hash = message.value().hash;
  h.from = from;
  if (old_name != h.stream.session_name) receivers_.follow(old_name, std::nullopt);
  receivers_.follow(h.stream.session_name, protocol::source_of(h.stream));
}

void sap_directory::forget(std::map<std::string, heard>::iterator it) {
  const std::string name = it->second.stream.session_name;
  log(log_level::info, "SAP: \"" + name + "\" from " + it->second.from + " is gone");
  heard_.erase(it);
  // Another session of the same name, if one is heard, feeds its subscribers instead.
  for (const auto& [key, h] : heard_) {
    if (h.stream.session_name == name) return receivers_.follow(name, protocol::source_of(h.stream));
  }
  receivers_.follow(name, std::nullopt);
}

void sap_directory::expire(clock::time_point now) {
  for (auto it = heard_.begin(); it != heard_.end();) {
    const auto timeout = std::max<clock::duration>(shortest_timeout, 10 * it->second.interval);
    if (now - it->second.last > timeout) {
      forget(it++);
    } else {
      ++it;
    }
  }
}

}  // namespace mixmatrix::server
