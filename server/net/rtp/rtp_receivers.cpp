#include "server/net/rtp/rtp_receivers.hpp"

#include "protocol/words.hpp"
#include "server/log.hpp"
#include "server/net/accept_loop.hpp"

namespace mixmatrix::server {

rtp_receivers::rtp_receivers(asio::io_context& io, std::uint32_t rate, event_bus& events)
    : io_(io), rate_(rate), events_(events) {}

rtp_receivers::~rtp_receivers() {
  stop_all();
}

std::shared_ptr<rtp_receiver> rtp_receivers::open(std::shared_ptr<mixer::input_channel> input,
                                                  const protocol::rtp_source& source) {
  auto receiver = std::make_shared<rtp_receiver>(io_, std::move(input), source, rate_, batch_, events_);
  receiver->start();
  return receiver;
}

std::optional<protocol::failure> rtp_receivers::receive(std::shared_ptr<mixer::input_channel> input,
                                                        const protocol::rtp_source& source,
                                                        const rtp_origin& origin) {
  try {
    const std::string name = input->name();
    auto receiver = open(input, source);
    inputs_[name] = entry{std::move(input), origin, std::move(receiver)};
  } catch (const boost::system::system_error& e) {
    return protocol::failure{protocol::code::conflict,
                             "rtp on " + protocol::format_rtp_address(source.address, source.port) +
                                 " unavailable: " + listen_failure(e.code())};
  }
  return std::nullopt;
}

void rtp_receivers::hold(std::shared_ptr<mixer::input_channel> input, const rtp_origin& origin) {
  const std::string name = input->name();
  inputs_[name] = entry{std::move(input), origin, nullptr};
}

void rtp_receivers::follow(const std::string& session, const std::optional<protocol::rtp_source>& source) {
  for (auto& [name, e] : inputs_) {
    if (e.origin.keyword != "sap" || e.origin.value != session) continue;
    if (e.receiver && source && e.receiver->source() == *source) continue;
    if (e.receiver) e.receiver->stop();
    e.receiver.reset();
    if (!source) continue;
    try {
      e.receiver = open(e.input, *source);
      log(log_level::info, "input " + name + " receives SAP session \"" + session + "\" on " +
                               protocol::format_rtp_source(*source));
    } catch (const boost::system::system_error& error) {
      log(log_level::warn, "input " + name + ": SAP session \"" + session + "\" on " +
                               protocol::format_rtp_address(source->address, source->port) +
                               " unavailable: " + listen_failure(error.code()));
    }
  }
}

std::string rtp_receivers::line_words(const std::string& name, bool detailed) const {
  const auto it = inputs_.find(name);
  if (it == inputs_.end()) return {};
  const entry& e = it->second;
  std::string words = e.receiver ? e.receiver->words(detailed) : " rtp=none";
  if (!e.origin.keyword.empty()) words += " " + e.origin.keyword + "=" + protocol::quote_word(e.origin.value);
  return words;
}

std::string rtp_receivers::scene_words(const std::string& name) const {
  const auto it = inputs_.find(name);
  if (it == inputs_.end()) return {};
  const entry& e = it->second;
  if (e.origin.keyword.empty()) return " rtp " + protocol::format_rtp_source(e.receiver->source());
  return " " + e.origin.keyword + " " + protocol::quote_word(e.origin.value);
}

void rtp_receivers::on_channel_removed(const mixer::channel& ch) {
  const auto it = inputs_.find(ch.name());
  if (it == inputs_.end()) return;
  if (it->second.receiver) it->second.receiver->stop();
  inputs_.erase(it);
}

void rtp_receivers::stop_all() {
  for (auto& [name, e] : inputs_) {
    if (e.receiver) e.receiver->stop();
  }
  inputs_.clear();
}

}  // namespace mixmatrix::server
