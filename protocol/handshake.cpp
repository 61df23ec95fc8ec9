#include "protocol/handshake.hpp"

#include "protocol/values.hpp"
#include "protocol/words.hpp"

namespace mixmatrix::protocol {

result<handshake> parse_handshake(std::string_view line) {
  auto words = split_words(line);
  if (!words) return words.error();
  const auto& w = words.value();
  const failure usage{code::bad_request,
                      "expected SEND NAME [FORMAT RATE CHANNELS] or LISTEN NAME [FORMAT RATE CHANNELS]"};
  if (w.empty()) return usage;
  if (equals_ignoring_case(w[0], "auth")) {
    if (w.size() != 2) return failure{code::bad_request, "expected AUTH PASSWORD"};
    return auth_request{w[1]};
  }
  const bool send = equals_ignoring_case(w[0], "send");
  if ((!send && !equals_ignoring_case(w[0], "listen")) || (w.size() != 2 && w.size() != 5)) return usage;
  auto name = parse_name(w[1]);
  if (!name) return name.error();
  std::optional<stream_format> format;
  if (w.size() == 5) {
    auto stated = parse_stream_format(w[2], w[3], w[4]);
    if (!stated) return stated.error();
    format = stated.value();
  }
  if (send) return send_request{name.value(), format};
  return listen_request{name.value(), format};
}

}  // namespace mixmatrix::protocol
