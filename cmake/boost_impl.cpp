// Asio's and Beast's compiled parts, once for the whole build (their separate-compilation mode, set
// by the mixmatrix::boost target) instead of inline in every file that includes them.
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
