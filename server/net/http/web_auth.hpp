#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace mixmatrix::server {

/// The web surface's logins: with a server password, a POST of the right password gets a random
/// session token (an HttpOnly, SameSite=Strict cookie) that every other request must carry.
/// Network thread only.
class web_auth {
 public:
  /// Logins against `password`; none needed without one.
  explicit web_auth(std::optional<std::string> password) : password_(std::move(password)) {}

  /// True when requests need a session cookie.
  bool required() const { return password_.has_value(); }
  /// A new session token when `given` is the password (compared in constant time), else nullopt.
  std::optional<std::string> login(std::string_view given);
  /// True when the request's `Cookie` header carries a live session (always, without a password).
  bool admits(std::string_view cookie_header) const;
  /// The Set-Cookie value for `token`.
  static std::string cookie_for(const std::string& token);

 private:
  std::optional<std::string> password_;
  std::deque<std::string> tokens_;  // newest last; the oldest go past the limit
};

/// `password` out of an application/x-www-form-urlencoded body (`password=...`), decoded.
std::string form_field(std::string_view body, std::string_view name);

}  // namespace mixmatrix::server
