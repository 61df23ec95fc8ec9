#pragma once

#include <cstddef>
#include <string>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include <boost/asio.hpp>

#include "clients/server_address.hpp"

namespace mixmatrix::clients {

/// A blocking connection to mixmatrixd's stream port that has done its handshake (and AUTH).
class stream_connection {
 public:
  /// Connects, sends `AUTH password` first when one is given, then `handshake`; returns the
  /// server's reply line, or throws std::runtime_error with the server's ERR line or the socket error.
  stream_connection(const server_address& address, const std::string& password, const std::string& handshake);

  /// The reply to the handshake (`OK ...`).
  const std::string& reply() const { return reply_; }
  /// Sends all bytes; false when the server went away.
  bool send(const void* data, std::size_t bytes);
  /// Reads some bytes (at most `bytes`); 0 when the server closed.
  std::size_t receive(void* data, std::size_t bytes);

 private:
  std::string read_line();

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::streambuf buffer_;
  std::string reply_;
};

}  // namespace mixmatrix::clients
