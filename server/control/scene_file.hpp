#pragma once

#include <optional>
#include <string>

#include "protocol/failure.hpp"

namespace mixmatrix::server {

/// Replaces the file at `path` with `text` so that a crash at any moment leaves either the old
/// file or the new one, whole: write a temporary file beside it, fsync it, rename it over the
/// old one, fsync the directory. Returns why it failed, if it did. Blocks for the disk.
std::optional<std::string> write_atomically(const std::string& path, const std::string& text);

/// The whole text of `path`, or a 404 failure "cannot read PATH". Blocks for the disk.
protocol::result<std::string> read_text(const std::string& path);

}  // namespace mixmatrix::server
