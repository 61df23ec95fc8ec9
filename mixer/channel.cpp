#include "mixer/channel.hpp"

namespace mixmatrix::mixer {

channel::channel(std::string name, channel_kind kind, const engine_config& config)
    : name_(std::move(name)),
      kind_(kind),
      output_(config.block_samples(), config.history_blocks()),
      bus_(config.block_samples(), 0.0f),
      meter_(config.meter_blocks(), config.block_frames) {}

}  // namespace mixmatrix::mixer
