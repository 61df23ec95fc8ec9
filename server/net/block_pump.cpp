#include "server/net/block_pump.hpp"

#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace mixmatrix::server {
namespace {
// The descriptor asio owns (and closes) is a duplicate: the engine thread keeps writing the original.
int duplicate(int fd) {
  const int copy = ::dup(fd);
  if (copy < 0) throw std::system_error(errno, std::generic_category(), "dup");
  return copy;
}
}  // namespace

block_pump::block_pump(asio::io_context& io, const block_signal& published)
    : published_(io, duplicate(published.fd())) {}

void block_pump::start() {
  do_wait();
}

void block_pump::add(std::shared_ptr<pumped_session> session) { sessions_.push_back(std::move(session)); }

void block_pump::disconnect(const mixer::channel* ch) {
  for (auto& s : sessions_) {
    if (s->channel() == ch) s->stop();
  }
}

void block_pump::stop() {
  stopped_ = true;
  error_code ignored;
  published_.cancel(ignored);
  // Move out first: a session's stop may run handlers that reach back into the pump.
  auto sessions = std::move(sessions_);
  for (auto& s : sessions) s->stop();
}

void block_pump::do_tick() {
  std::erase_if(sessions_, [](const auto& s) { return s->stopped(); });
  // By index and by copy: a session's pump may add sessions (and so move the vector).
  for (std::size_t i = 0; i < sessions_.size(); ++i) {
    auto s = sessions_[i];
    s->pump();
  }
}

void block_pump::do_wait() {
  // One tick however many blocks were published since the last: every session takes all that is new.
  published_.async_read_some(asio::buffer(&count_, sizeof count_), [this](const error_code& ec, std::size_t) {
    if (ec || stopped_) return;
    do_tick();
    do_wait();
  });
}

}  // namespace mixmatrix::server
