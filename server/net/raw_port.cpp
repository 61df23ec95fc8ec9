#include "server/net/raw_port.hpp"

#include "mixer/input_channel.hpp"
#include "server/net/endpoint.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {

raw_port::raw_port(asio::io_context& io, const tcp::endpoint& endpoint, std::shared_ptr<mixer::channel> ch,
                   const protocol::stream_format& format, audio_sessions& sessions)
    : channel_(std::move(ch)),
      format_(format),
      sessions_(sessions),
      acceptor_(std::make_shared<accept_loop>(io, endpoint, [this](tcp::socket s) { on_accept(std::move(s)); })) {
  acceptor_->start();
}

raw_port::~raw_port() { acceptor_->stop(); }

void raw_port::on_accept(tcp::socket socket) {
  const auto refused = [&](const protocol::failure& why) {
    log(log_level::warn, "port " + std::to_string(port()) + ": refused " + peer_name(socket) + ": " + why.text);
  };
  if (channel_->kind() == mixer::channel_kind::mix) {
    if (auto why = sessions_.check_listener(*channel_)) return refused(*why);
    sessions_.listen(std::move(socket), channel_, format_, {});
    return;
  }
  auto input = std::static_pointer_cast<mixer::input_channel>(channel_);
  if (auto why = sessions_.check_sender(*input)) return refused(*why);
  sessions_.feed(std::move(socket), input, format_, {}, {});
}

}  // namespace mixmatrix::server
