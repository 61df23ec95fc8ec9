#pragma once

#include <concepts>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace mixmatrix::protocol {

/// The status codes of a control reply (`ERR CODE TEXT`).
enum class code : int {
  bad_request = 400,
  unauthorized = 401,
  not_found = 404,
  conflict = 409,
  internal = 500,
  unavailable = 503,
};

/// A refused request: the code and the one-line text of its `ERR` reply.
struct failure {
  protocol::code code;
  std::string text;
};

/// A value or the failure that prevented it.
template <class T>
class result {
 public:
  template <class U>
    requires std::constructible_from<T, U&&> && (!std::same_as<std::remove_cvref_t<U>, failure>)
  result(U&& value) : v_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT(*-explicit-*)
  result(failure f) : v_(std::in_place_index<1>, std::move(f)) {}           // NOLINT(*-explicit-*)

  /// True when a value is held.
  explicit operator bool() const { return v_.index() == 0; }
  /// The value; only when held.
  T& value() { return std::get<0>(v_); }
  /// The value; only when held.
  const T& value() const { return std::get<0>(v_); }
  /// The failure; only when no value is held.
  const failure& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, failure> v_;
};

}  // namespace mixmatrix::protocol
