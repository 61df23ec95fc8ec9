#include "clients/stream_connection.hpp"

#include <cstring>
#include <istream>
#include <stdexcept>

#include "protocol/words.hpp"

namespace mixmatrix::clients {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

stream_connection::stream_connection(const server_address& address, const std::string& password,
                                     const std::string& handshake)
    : socket_(io_) {
  tcp::resolver resolver(io_);
  boost::system::error_code ec;
  asio::connect(socket_, resolver.resolve(address.host, std::to_string(address.port)), ec);
  if (ec) throw std::runtime_error(address.host + ":" + std::to_string(address.port) + ": " + ec.message());
  socket_.set_option(tcp::no_delay(true));
  if (!password.empty()) {
    asio::write(socket_, asio::buffer("AUTH " + protocol::quote_word(password) + "\n"));
    const std::string answer = read_line();
    if (!answer.starts_with("OK")) throw std::runtime_error(answer);
  }
  asio::write(socket_, asio::buffer(handshake + "\n"));
  reply_ = read_line();
  if (!reply_.starts_with("OK")) throw std::runtime_error(reply_);
}

std::string stream_connection::read_line() {
  boost::system::error_code ec;
  asio::read_until(socket_, buffer_, '\n', ec);
  if (ec) throw std::runtime_error("the server closed the connection: " + ec.message());
  std::istream in(&buffer_);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

bool stream_connection::send(const void* data, std::size_t bytes) {
  boost::system::error_code ec;
  asio::write(socket_, asio::buffer(data, bytes), ec);
  return !ec;
}

std::size_t stream_connection::receive(void* data, std::size_t bytes) {
  // Audio that arrived with the reply line is still in the line buffer.
  if (buffer_.size() > 0) {
    const std::size_t n = std::min(bytes, buffer_.size());
    std::memcpy(data, asio::buffer_cast<const void*>(buffer_.data()), n);
    buffer_.consume(n);
    return n;
  }
  boost::system::error_code ec;
  const std::size_t n = socket_.read_some(asio::buffer(data, bytes), ec);
  return ec ? 0 : n;
}

}  // namespace mixmatrix::clients
