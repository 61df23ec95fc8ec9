#include "server/net/rtp/rtp_senders.hpp"

#include <cmath>

namespace mixmatrix::server {
namespace {

// What an Ethernet frame holds after the IP (v6: 40 bytes), UDP and RTP headers.
constexpr std::size_t max_payload_bytes = 1500 - 40 - 8 - protocol::rtp_header_bytes;

}  // namespace

rtp_senders::rtp_senders(asio::io_context& io, std::uint32_t rate, std::string reference_clock)
    : io_(io), rate_(rate), reference_clock_(std::move(reference_clock)) {}

rtp_senders::~rtp_senders() { stop_all(); }

std::optional<protocol::failure> rtp_senders::send(std::shared_ptr<mixer::channel> ch,
                                                   const protocol::rtp_target& target) {
  const std::uint32_t ptime = protocol::ptime_of(target, rate_);
  const auto bytes = static_cast<std::size_t>(std::lround(rate_ * ptime / 1000.0)) * 2 *
                     protocol::rtp_sample_bytes(target.encoding);
  if (bytes > max_payload_bytes) {
    return protocol::failure{protocol::code::bad_request,
                             "ptime " + std::to_string(ptime) + " makes packets of " + std::to_string(bytes) +
                                 " bytes of audio, more than an Ethernet frame holds (" +
                                 std::to_string(max_payload_bytes) + "): take a shorter ptime"};
  }
  try {
    const std::string name = ch->name();
    auto sender = std::make_shared<rtp_sender>(io_, std::move(ch), target, rate_, reference_clock_);
    sender->start();
    senders_[name] = std::move(sender);
  } catch (const boost::system::system_error& e) {
    return protocol::failure{protocol::code::conflict,
                             "rtp to " + protocol::format_rtp_target(target) + " unavailable: " + e.code().message()};
  }
  return std::nullopt;
}

std::string rtp_senders::line_words(const std::string& name, bool detailed) const {
  const auto it = senders_.find(name);
  if (it == senders_.end()) return {};
  const auto n = [](std::uint64_t v) { return std::to_string(v); };
  const auto& t = it->second->target();
  const std::string words = " rtp=" + protocol::format_rtp_address(t.address, t.port);
  if (!detailed) return words;
  return words + " rtp_format=" + protocol::rtp_encoding_name(t.encoding) + "," + n(rate_) + ",2" +
         " pt=" + n(protocol::payload_type_of(t, rate_)) + " ptime_ms=" + n(protocol::ptime_of(t, rate_)) +
         " ttl=" + n(t.ttl) + " packets=" + n(it->second->packets()) +
         " send_errors=" + n(it->second->send_errors());
}

std::string rtp_senders::scene_words(const std::string& name) const {
  const auto it = senders_.find(name);
  return it == senders_.end() ? std::string{} : " rtp " + protocol::format_rtp_target(it->second->target());
}

std::optional<protocol::sdp_stream> rtp_senders::sdp_of(const std::string& name) const {
  const auto it = senders_.find(name);
  if (it == senders_.end()) return std::nullopt;
  return it->second->description();
}

std::map<std::string, protocol::sdp_stream> rtp_senders::descriptions() const {
  std::map<std::string, protocol::sdp_stream> all;
  for (const auto& [name, sender] : senders_) all.emplace(name, sender->description());
  return all;
}

void rtp_senders::on_channel_removed(const mixer::channel& ch) {
  const auto it = senders_.find(ch.name());
  if (it == senders_.end()) return;
  it->second->stop();
  senders_.erase(it);
}

void rtp_senders::stop_all() {
  for (auto& [name, sender] : senders_) sender->stop();
  senders_.clear();
}

}  // namespace mixmatrix::server
