#pragma once

#include <string>
#include <string_view>

#include "protocol/failure.hpp"

namespace mixmatrix::protocol {

/// `OK` or `OK TEXT`, with its LF.
std::string ok_line(std::string_view text = {});
/// `ERR CODE TEXT`, with its LF.
std::string err_line(const failure& f);
/// The greeting a control connection gets first.
std::string greeting_line(std::string_view version);
/// An unsolicited event line: `* TEXT`, with its LF.
std::string event_line(std::string_view text);

}  // namespace mixmatrix::protocol
