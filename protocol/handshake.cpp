#include "protocol/handshake.hpp"

#include "protocol/values.hpp"
#include "protocol/words.hpp"

namespace mixmatrix::protocol {

result<handshake> parse_handshake(std::string_view line) {
  auto words = split_words(line);
  if (!words) return words.error();
  const auto& w = words.value();
  const failure usage{code::bad_request, "expected SEND NAME [s16le RATE 2] or LISTEN NAME"};
  if (w.empty()) return usage;
  if (equals_ignoring_case(w[0], "auth")) {
    if (w.size() != 2) return failure{code::bad_request, "expected AUTH PASSWORD"};
    return auth_request{w[1]};
  }
  if (equals_ignoring_case(w[0], "listen")) {
    if (w.size() != 2) return usage;
    auto name = parse_name(w[1]);
    if (!name) return name.error();
    return listen_request{name.value()};
  }
  if (!equals_ignoring_case(w[0], "send") || (w.size() != 2 && w.size() != 5)) return usage;
  auto name = parse_name(w[1]);
  if (!name) return name.error();
  send_request request{name.value(), 0};
  if (w.size() == 5) {
    const failure unsupported{code::bad_request, "unsupported format"};
    auto rate = parse_count(w[3], 1, 768000, "rate");
    if (!equals_ignoring_case(w[2], "s16le") || !rate || w[4] != "2") return unsupported;
    request.rate = rate.value();
  }
  return request;
}

}  // namespace mixmatrix::protocol
