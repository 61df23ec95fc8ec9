#include "server/net/http/web_auth.hpp"

#include <algorithm>
#include <random>

#include "protocol/values.hpp"

namespace mixmatrix::server {
namespace {
constexpr std::string_view cookie_name = "mixmatrix_session";
// Enough for every browser an operator team has open; a flood of logins cannot grow memory.
constexpr std::size_t max_sessions = 256;

std::string random_token() {
  std::random_device random;
  static constexpr char hex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 8; ++i) {
    auto word = random();
    for (int j = 0; j < 4; ++j, word >>= 8) {
      token += hex[(word >> 4) & 0xf];
      token += hex[word & 0xf];
    }
  }
  return token;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> web_auth::login(std::string_view given) {
  if (!password_) return std::string{};
  if (!protocol::equals_constant_time(given, *password_)) return std::nullopt;
  tokens_.push_back(random_token());
  if (tokens_.size() > max_sessions) tokens_.pop_front();
  return tokens_.back();
}

bool web_auth::admits(std::string_view cookie_header) const {
  if (!password_) return true;
  // Cookie: a=b; mixmatrix_session=TOKEN; c=d
  for (std::size_t at = 0; at < cookie_header.size();) {
    auto end = cookie_header.find(';', at);
    if (end == std::string_view::npos) end = cookie_header.size();
    std::string_view pair = cookie_header.substr(at, end - at);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.starts_with(cookie_name) && pair.size() > cookie_name.size() && pair[cookie_name.size()] == '=') {
      const std::string_view token = pair.substr(cookie_name.size() + 1);
      if (std::any_of(tokens_.begin(), tokens_.end(),
                      [&](const std::string& t) { return protocol::equals_constant_time(token, t); })) {
        return true;
      }
    }
    at = end + 1;
  }
  return false;
}

std::string web_auth::cookie_for(const std::string& token) {
  // Appended, not a chain of +: g++ 12 at -O2 warns (-Warray-bounds) inside its own operator+ here.
  std::string cookie(cookie_name);
  cookie += '=';
  cookie += token;
  cookie += "; Path=/; HttpOnly; SameSite=Strict";
  return cookie;
}

std::string form_field(std::string_view body, std::string_view name) {
  for (std::size_t at = 0; at <= body.size();) {
    auto end = body.find('&', at);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(at, end - at);
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
      std::string value;
      for (std::size_t i = name.size() + 1; i < pair.size(); ++i) {
        if (pair[i] == '+') {
          value += ' ';
        } else if (pair[i] == '%' && i + 2 < pair.size() + 0 && hex_value(pair[i + 1]) >= 0 &&
                   hex_value(pair[i + 2]) >= 0) {
          value += static_cast<char>(hex_value(pair[i + 1]) * 16 + hex_value(pair[i + 2]));
          i += 2;
        } else {
          value += pair[i];
        }
      }
      return value;
    }
    at = end + 1;
  }
  return {};
}

}  // namespace mixmatrix::server
