#pragma once

#include <cstddef>
#include <cstdint>

namespace mixmatrix::mixer {

/// Samples per frame: every stream is stereo.
inline constexpr std::size_t channels_per_frame = 2;
/// Bytes per frame on the wire and in rings: two signed 16-bit little-endian samples.
inline constexpr std::size_t bytes_per_frame = 4;

/// The engine's fixed sizes, chosen at start and never changed while it runs.
struct engine_config {
  std::uint32_t rate = 44100;               ///< frames per second
  std::uint32_t block_frames = 256;         ///< frames per engine tick
  std::uint32_t default_latency_ms = 20;    ///< jitter-buffer target of a network input
  std::uint32_t input_buffer_ms = 1000;     ///< capacity of a network input's ring
  std::uint32_t listener_buffer_ms = 500;   ///< how far a listener may lag before it loses blocks
  std::size_t max_channels = 4096;          ///< inputs and mixes together (sizes the engine's scratch)
  std::uint32_t ramp_ms = 5;                ///< how long a gain, mute, route or on/off change takes

  /// Frames in `ms` milliseconds, rounded up.
  std::size_t frames_for_ms(std::uint32_t ms) const {
    return (static_cast<std::size_t>(rate) * ms + 999) / 1000;
  }
  /// Frames a gain change takes (at least 1).
  std::uint32_t ramp_frames() const {
    const auto frames = static_cast<std::uint32_t>(frames_for_ms(ramp_ms));
    return frames < 1 ? 1 : frames;
  }
  /// Samples (both channels) in one block.
  std::size_t block_samples() const { return block_frames * channels_per_frame; }
  /// Blocks in the meters' 100 ms window (at least 1).
  std::size_t meter_blocks() const {
    const std::size_t blocks = (frames_for_ms(100) + block_frames / 2) / block_frames;
    return blocks < 1 ? 1 : blocks;
  }
  /// Blocks kept by each channel's output for its listeners (at least 4).
  std::size_t history_blocks() const {
    const std::size_t blocks = (frames_for_ms(listener_buffer_ms) + block_frames - 1) / block_frames;
    return blocks < 4 ? 4 : blocks;
  }
};

}  // namespace mixmatrix::mixer
