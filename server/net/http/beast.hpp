#pragma once

// One place that decides how Beast is included and named, beside server/asio.hpp.
#include "server/asio.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace mixmatrix::server {
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
}  // namespace mixmatrix::server
