#pragma once

#include <string>

namespace mixmatrix::clients {

/// For --help (or -h): prints `usage` and exits 0; for --version: prints `PROGRAM VERSION` and exits 0;
/// otherwise returns.
void answer_help_or_version(const std::string& arg, const char* program, const char* usage);
/// Prints `PROGRAM: text` on stderr and exits with `status` (2: bad arguments).
[[noreturn]] void fail(const char* program, const std::string& text, int status = 2);

}  // namespace mixmatrix::clients
