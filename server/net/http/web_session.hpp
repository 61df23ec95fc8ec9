#pragma once

#include <deque>
#include <memory>
#include <span>
#include <string>

#include "server/control/client.hpp"
#include "server/control/command_core.hpp"
#include "server/control/event_bus.hpp"
#include "server/net/block_pump.hpp"
#include "server/net/http/beast.hpp"
#include "server/server_options.hpp"

namespace mixmatrix::server {

/// One WebSocket of the web page (`GET /ws`), the JSON front end of the command core: commands
/// in as `{"id":N,"cmd":"LINE"}`, results out as `{"id":N,"ok":..,"status":..,"data":[..]}`,
/// events and meters pushed as they come, and with `{"monitor":"NAME"}` a channel's PCM as binary
/// frames. Each command takes effect before the next message is read. One write in flight; past a
/// bound of unsent bytes, meters and PCM are dropped rather than queued (answers and events never).
class web_session : public event_sink, public std::enable_shared_from_this<web_session> {
 public:
  /// Takes the upgraded connection's socket; commands run on `core` as an authenticated client.
  web_session(tcp::socket socket, command_core& core, event_bus& events, block_pump& pump,
              const server_options& options);

  /// Completes the WebSocket handshake of `request`, greets and starts reading.
  void start(http::request<http::string_body> request);
  void on_event(const std::string& text) override;
  void on_meters(std::span<const channel_meters> readings) override;
  /// Network thread: PCM of the monitored channel, sent as one binary frame if there is room.
  void send_pcm(std::string pcm);
  /// Closes the connection; idempotent.
  void stop();

 private:
  void do_read();
  void on_message();
  void run_command(long long id, const std::string& line);
  void monitor(const std::string& name);
  void send(std::string message, bool binary, bool droppable);
  void do_write();

  websocket::stream<beast::tcp_stream> ws_;
  command_core& core_;
  event_bus& events_;
  block_pump& pump_;
  const server_options& options_;
  client client_;
  beast::flat_buffer inbox_;
  struct frame {
    std::string bytes;
    bool binary;
  };
  std::deque<frame> outbox_;
  std::size_t outbox_bytes_ = 0;
  bool writing_ = false;
  std::size_t bad_messages_ = 0;
  std::shared_ptr<pumped_session> monitor_;
  bool stopped_ = false;
};

}  // namespace mixmatrix::server
