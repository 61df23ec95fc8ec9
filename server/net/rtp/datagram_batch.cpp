#include "server/net/rtp/datagram_batch.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

namespace mixmatrix::server {

datagram_batch::datagram_batch() : storage_(capacity * max_bytes) {}

std::size_t datagram_batch::receive(int fd) {
  for (std::size_t i = 0; i < capacity; ++i) {
    vectors_[i] = {storage_.data() + i * max_bytes, max_bytes};
    messages_[i].msg_hdr = {};
    messages_[i].msg_hdr.msg_iov = &vectors_[i];
    messages_[i].msg_hdr.msg_iovlen = 1;
    messages_[i].msg_hdr.msg_name = &senders_[i];
    messages_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    messages_[i].msg_len = 0;
  }
  const int n = ::recvmmsg(fd, messages_.data(), capacity, MSG_DONTWAIT, nullptr);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

std::span<const std::byte> datagram_batch::datagram(std::size_t i) const {
  const std::size_t n = messages_[i].msg_len < max_bytes ? messages_[i].msg_len : max_bytes;
  return {storage_.data() + i * max_bytes, n};
}

std::string datagram_batch::sender(std::size_t i) const {
  char text[INET6_ADDRSTRLEN] = "?";
  const auto& from = senders_[i];
  if (from.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(from);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(v4.sin_port));
  }
  if (from.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(from);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(v6.sin6_port));
  }
  return text;
}

}  // namespace mixmatrix::server
