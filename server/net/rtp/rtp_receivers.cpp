#include "server/net/rtp/rtp_receivers.hpp"

#include "protocol/words.hpp"
#include "server/net/accept_loop.hpp"

namespace mixmatrix::server {

rtp_receivers::rtp_receivers(asio::io_context& io, std::uint32_t rate, event_bus& events)
    : io_(io), rate_(rate), events_(events) {}

rtp_receivers::~rtp_receivers() {
  stop_all();
}

std::optional<protocol::failure> rtp_receivers::receive(std::shared_ptr<mixer::input_channel> input,
                                                        const protocol::rtp_source& source,
                                                        const std::string& sdp_path) {
  try {
    const std::string name = input->name();
    auto receiver =
        std::make_shared<rtp_receiver>(io_, std::move(input), source, sdp_path, rate_, batch_, events_);
    receiver->start();
    receivers_[name] = std::move(receiver);
  } catch (const boost::system::system_error& e) {
    return protocol::failure{protocol::code::conflict,
                             "rtp on " + protocol::format_rtp_address(source.address, source.port) +
                                 " unavailable: " + listen_failure(e.code())};
  }
  return std::nullopt;
}

std::string rtp_receivers::line_words(const std::string& name, bool detailed) const {
  const auto it = receivers_.find(name);
  return it == receivers_.end() ? std::string{} : it->second->words(detailed);
}

std::string rtp_receivers::scene_words(const std::string& name) const {
  const auto it = receivers_.find(name);
  if (it == receivers_.end()) return {};
  const auto& sdp = it->second->sdp_path();
  return sdp.empty() ? " rtp " + protocol::format_rtp_source(it->second->source())
                     : " sdp " + protocol::quote_word(sdp);
}

void rtp_receivers::on_channel_removed(const mixer::channel& ch) {
  const auto it = receivers_.find(ch.name());
  if (it == receivers_.end()) return;
  it->second->stop();
  receivers_.erase(it);
}

void rtp_receivers::stop_all() {
  for (auto& [name, receiver] : receivers_) receiver->stop();
  receivers_.clear();
}

}  // namespace mixmatrix::server
