#include "server/net/audio_sessions.hpp"

#include "mixer/pcm_format.hpp"
#include "server/net/listener_session.hpp"
#include "server/net/sender_session.hpp"

namespace mixmatrix::server {
namespace {

// What the conversion needs of a stream format: its samples and channels.
mixer::pcm_format pcm_of(const protocol::stream_format& f) {
  switch (f.sample) {
    case protocol::sample_format::s24le: return {mixer::sample_encoding::s24, f.channels};
    case protocol::sample_format::s32le: return {mixer::sample_encoding::s32, f.channels};
    case protocol::sample_format::f32le: return {mixer::sample_encoding::f32, f.channels};
    case protocol::sample_format::s16le: break;
  }
  return {mixer::sample_encoding::s16, f.channels};
}

}  // namespace

std::optional<protocol::failure> audio_sessions::check_listener(const mixer::channel& ch) const {
  if (ch.counters().listeners.load(std::memory_order_relaxed) >= options_.max_listeners) {
    return protocol::failure{protocol::code::unavailable,
                             "too many listeners on " + ch.name() + " (" + std::to_string(options_.max_listeners) + ")"};
  }
  return std::nullopt;
}

std::optional<protocol::failure> audio_sessions::check_sender(const mixer::input_channel& input) const {
  if (input.source() != mixer::input_kind::network) {
    return protocol::failure{protocol::code::conflict, "input " + input.name() + " is not a network input"};
  }
  if (input.has_sender()) return protocol::failure{protocol::code::conflict, "input " + input.name() + " busy"};
  return std::nullopt;
}

void audio_sessions::listen(tcp::socket socket, std::shared_ptr<mixer::channel> ch,
                            const protocol::stream_format& format, std::string preamble) {
  auto session = std::make_shared<listener_session>(std::move(socket), std::move(ch), pcm_of(format), format.rate,
                                                    options_.engine.rate, std::move(preamble),
                                                    options_.listener_timeout, events_);
  pump_.add(session);
  session->start();
}

void audio_sessions::feed(tcp::socket socket, std::shared_ptr<mixer::input_channel> input,
                          const protocol::stream_format& format, std::string preamble, std::string leftover) {
  auto session = std::make_shared<sender_session>(std::move(socket), std::move(input), pcm_of(format), format.rate,
                                                  options_.engine.rate, std::move(preamble), std::move(leftover),
                                                  events_);
  pump_.add(session);
  session->start();
}

}  // namespace mixmatrix::server
