#include "server/net/block_pump.hpp"

namespace mixmatrix::server {

block_pump::block_pump(asio::io_context& io, std::chrono::nanoseconds period) : timer_(io), period_(period) {}

void block_pump::start() {
  next_ = std::chrono::steady_clock::now();
  do_tick();
}

void block_pump::add(std::shared_ptr<pumped_session> session) { sessions_.push_back(std::move(session)); }

void block_pump::disconnect(const mixer::channel* ch) {
  for (auto& s : sessions_) {
    if (s->channel() == ch) s->stop();
  }
}

void block_pump::stop() {
  stopped_ = true;
  timer_.cancel();
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
  const auto now = std::chrono::steady_clock::now();
  next_ += period_;
  if (next_ < now - 10 * period_) next_ = now;  // after a stall, resume the grid instead of racing it
  timer_.expires_at(next_);
  timer_.async_wait([this](const error_code& ec) {
    if (!ec && !stopped_) do_tick();
  });
}

}  // namespace mixmatrix::server
