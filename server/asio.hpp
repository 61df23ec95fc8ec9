#pragma once

// One place that decides how Asio is included and named. <utility> first: Boost 1.74's
// awaitable.hpp uses std::exchange without including it, which g++ 12 no longer forgives.
#include <utility>

#include <boost/asio.hpp>

namespace mixmatrix::server {
namespace asio = boost::asio;
using tcp = boost::asio::ip::tcp;
using udp = boost::asio::ip::udp;
using error_code = boost::system::error_code;
}  // namespace mixmatrix::server
