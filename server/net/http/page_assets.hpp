#pragma once

#include <span>
#include <string_view>

namespace mixmatrix::server {

/// A file of the web page, embedded in the binary at build time (cmake/embed_assets.cmake).
struct page_asset {
  std::string_view path;  ///< as requested: "/app.js"; the page itself is "/index.html"
  std::string_view type;  ///< its Content-Type
  std::string_view body;
};

/// Every embedded file.
std::span<const page_asset> page_assets();
/// The embedded file at `path`, or null.
const page_asset* find_page_asset(std::string_view path);

}  // namespace mixmatrix::server
