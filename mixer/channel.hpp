#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mixer/block_broadcast.hpp"
#include "mixer/engine_config.hpp"
#include "mixer/meter.hpp"

namespace mixmatrix::mixer {

/// Inputs and mixes are the two kinds of channel on the backplane.
enum class channel_kind { input, mix };

/// Counters of one channel; each is written by one thread (named) and read by any, relaxed.
struct channel_counters {
  std::atomic<std::uint64_t> frames{0};          ///< engine: frames published
  std::atomic<std::uint64_t> underruns{0};       ///< engine: times a live input ran dry
  std::atomic<std::uint64_t> skipped_frames{0};  ///< engine: frames a jitter buffer skipped to shrink
  std::atomic<std::uint64_t> clips{0};           ///< engine: samples saturated at full scale
  // The network thread's counters on a cache line of their own: it adds to them on every read,
  // and the engine to `frames` every block (sharing a line cost a cache miss a packet).
  alignas(64) std::atomic<std::uint64_t> bytes_in{0};  ///< network: PCM bytes received
  std::atomic<std::uint64_t> overruns{0};        ///< network: times a full buffer paused the sender
  std::atomic<std::uint64_t> dropped_blocks{0};  ///< network: blocks its lagging listeners lost
  std::atomic<std::uint32_t> listeners{0};       ///< network: connections receiving this channel
};

/// One named channel of the backplane: its output (the blocks listeners and recorders read),
/// its float bus (what mixes read, engine thread only), its meter and its counters. Created and destroyed
/// on the control thread; shared with the engine through plans.
class channel {
 public:
  /// Allocates the output history and the bus for `config`.
  channel(std::string name, channel_kind kind, const engine_config& config);
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;
  virtual ~channel() = default;

  /// The channel's name on the backplane.
  const std::string& name() const { return name_; }
  /// Input or mix.
  channel_kind kind() const { return kind_; }
  /// The published blocks: engine writes, any thread reads.
  block_broadcast& output() { return output_; }
  /// This block's samples as float, interleaved: engine thread only.
  std::span<float> bus() { return bus_; }
  /// Levels over the last 100 ms: the engine records, any thread reads.
  mixer::meter& meter() { return meter_; }
  /// Levels over the last 100 ms.
  const mixer::meter& meter() const { return meter_; }
  /// Engine thread: the larger channel peak of this block's bus (a duck's key level).
  float block_peak() const { return block_peak_; }
  /// Engine thread: records the peak of this block's bus.
  void set_block_peak(float peak) { block_peak_ = peak; }
  /// The channel's counters.
  channel_counters& counters() { return counters_; }
  /// The channel's counters.
  const channel_counters& counters() const { return counters_; }

 private:
  std::string name_;
  channel_kind kind_;
  block_broadcast output_;
  std::vector<float> bus_;
  mixer::meter meter_;
  float block_peak_ = 0.0f;
  channel_counters counters_;
};

}  // namespace mixmatrix::mixer
