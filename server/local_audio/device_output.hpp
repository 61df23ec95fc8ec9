#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "audio_io/device_pace.hpp"
#include "audio_io/sound_device.hpp"
#include "mixer/block_cursor.hpp"
#include "mixer/channel.hpp"
#include "mixer/level_follower.hpp"
#include "mixer/resampling_reader.hpp"

namespace mixmatrix::server {

/// Plays one channel on a sound device through PortAudio. The audio callback reads the channel's
/// published blocks with a block_cursor (no lock, no allocation) a callback's worth and 20 ms behind
/// the engine, from the first callback at which the device keeps real time (audio_io::device_pace).
/// The card's clock and the engine's differ: a level_follower on that distance follows the card's
/// clock and a resampling_reader reads the blocks at its ratio, bit for bit while the ratio is
/// exactly 1. Only when the card falls grossly behind (a stall) are whole blocks skipped, and only
/// when it finds no new block is the last one repeated; both are counted.
class device_output {
 public:
  /// Opens `device` (see audio_io::output_stream) and starts playing `ch` from its next block;
  /// throws std::runtime_error when the device cannot be opened. May block (PortAudio).
  device_output(std::shared_ptr<mixer::channel> ch, const std::string& device, std::uint32_t rate);
  device_output(const device_output&) = delete;
  device_output& operator=(const device_output&) = delete;
  /// Stops the stream. May block (PortAudio).
  ~device_output() = default;

  /// The device's name.
  const std::string& device() const { return stream_.device_name(); }
  /// Frames handed to the device.
  std::uint64_t frames() const { return frames_.load(std::memory_order_relaxed); }
  /// Blocks skipped because the card fell behind (or the engine published a burst).
  std::uint64_t skips() const { return skips_.load(std::memory_order_relaxed); }
  /// Blocks repeated because the card ran ahead of the engine.
  std::uint64_t repeats() const { return repeats_.load(std::memory_order_relaxed); }
  /// The card's clock offset as the drift loop estimates it, ppm (positive: the card runs slow,
  /// so the engine's blocks pile up; the resampler reads them faster).
  double drift_ppm() const { return drift_shown_.load(std::memory_order_relaxed); }

 private:
  static void fill(std::span<std::byte> out, void* self);
  void take(std::span<std::int16_t> frames, std::size_t callback_blocks);
  void next_block(std::size_t callback_blocks);
  void restart_loop();

  std::shared_ptr<mixer::channel> channel_;
  mixer::block_cursor cursor_;
  std::vector<std::byte> block_;
  std::size_t played_;  // bytes of block_ already handed out
  std::size_t margin_blocks_;  // kept between the engine and the card beyond a callback's worth
  std::size_t slack_blocks_;   // how much further behind the card may fall before blocks are skipped
  bool primed_ = false;
  mixer::resampling_reader reader_;
  mixer::level_follower follower_;
  audio_io::device_pace pace_;
  std::atomic<double> drift_shown_{0.0};
  std::atomic<std::uint64_t> frames_{0};
  std::atomic<std::uint64_t> skips_{0};
  std::atomic<std::uint64_t> repeats_{0};
  audio_io::output_stream stream_;  // last: its callback uses the members above
};

}  // namespace mixmatrix::server
