#pragma once

#include <optional>

#include "mixer/matrix.hpp"
#include "protocol/command.hpp"
#include "protocol/failure.hpp"

namespace mixmatrix::server {

/// The failure a refused matrix change answers with (404, 409 or 503).
protocol::failure to_failure(const mixer::matrix_error& e);

/// Applies one change that touches only crosspoints and mix states (route, unroute, gain, mute,
/// pan, duck, unduck, mix on/off, SWITCH: the commands a salvo may hold) to `matrix`, which may be a scratch copy;
/// the failure when it does not apply. Publishes nothing.
std::optional<protocol::failure> apply_crosspoint_change(mixer::matrix& matrix, const protocol::command& c);

}  // namespace mixmatrix::server
