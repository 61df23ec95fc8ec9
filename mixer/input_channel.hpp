#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mixer/byte_ring.hpp"
#include "mixer/channel.hpp"
#include "mixer/tone_generator.hpp"

namespace mixmatrix::mixer {

/// Where an input's audio comes from: a network sender or a file player writing its ring, or a
/// tone generated in the engine.
enum class input_kind { network, file, tone };

/// An input channel. A network input owns a jitter buffer: a byte ring that one sender fills
/// (TCP may cut it anywhere) and the engine drains a block at a time once its target is
/// buffered; when it runs dry the rest of the block is silence, an underrun is counted, the
/// target grows by one block (up to half the ring: a sender whose packets are longer than the
/// target, like ffmpeg's 23 ms, settles instead of underrunning forever) and the input waits to
/// refill. The buffer also shrinks back: when its low point stayed above the target plus a block
/// for a whole window (half a second) in which the sender streamed at real time (±10%) and was not
/// held back by a full ring, the excess (at most a block per window) is skipped with a short crossfade, so a
/// burst after a stall or a sender whose clock runs fast does not leave latency behind for good.
/// A tone input generates a sine in the engine.
class input_channel : public channel {
 public:
  /// A ring-fed input (network or file) buffering up to config.input_buffer_ms, joining mixes at
  /// `latency_ms`.
  input_channel(std::string name, const engine_config& config, std::uint32_t latency_ms,
                input_kind source = input_kind::network);
  /// A tone input.
  input_channel(std::string name, const engine_config& config, double hz, double dbfs);

  /// Network, file or tone.
  input_kind source() const { return source_; }
  /// Jitter-buffer target asked for, in ms (network inputs).
  std::uint32_t latency_ms() const { return latency_ms_; }
  /// Any thread: the jitter-buffer target now, in ms (grown by underruns).
  std::uint32_t target_ms() const;
  /// The tone's settings (tone inputs only).
  const tone_generator& tone() const { return *tone_; }

  /// The sender's thread: the ring it writes into (network and file inputs).
  byte_ring& ring() { return *ring_; }
  /// Network thread: a sender (at address `peer`, or a file player) took this input.
  void attach_sender(std::string peer);
  /// The sender's thread: the sender left; a half frame it left behind is completed with silence
  /// so the next sender's left and right stay where they belong.
  void detach_sender();
  /// Network thread: the address of the current or last sender.
  const std::string& sender_address() const { return sender_address_; }
  /// Any thread: whether a sender holds this input.
  bool has_sender() const { return sender_.load(std::memory_order_acquire); }
  /// Any thread: whether the input is currently heard (its buffer reached the target).
  bool playing() const { return playing_.load(std::memory_order_relaxed); }
  /// Any thread: milliseconds of audio buffered.
  std::uint32_t buffered_ms() const;

  /// Engine thread: the next block of this input (block_samples() samples). No allocation.
  void render(std::span<std::int16_t> block);

 private:
  void render_network(std::span<std::int16_t> block);
  void read_skipping(std::span<std::int16_t> block, std::size_t skip_bytes);
  void watch_level(std::size_t available);

  input_kind source_;
  std::uint32_t rate_;
  std::uint32_t latency_ms_ = 0;
  std::size_t block_bytes_;
  std::size_t max_target_bytes_ = 0;
  std::atomic<std::size_t> target_bytes_{0};
  std::unique_ptr<byte_ring> ring_;
  std::vector<std::int16_t> scratch_;  // a block and the frames skipped with it
  std::size_t window_blocks_ = 0;
  std::size_t window_seen_ = 0;           // blocks of the current window
  std::size_t window_low_ = 0;            // lowest level seen in the window, bytes
  std::uint64_t window_overruns_ = 0;     // the overrun count when the window began
  std::uint64_t window_bytes_in_ = 0;     // the byte count when the window began
  std::size_t skip_bytes_ = 0;            // to skip with the next block
  std::optional<tone_generator> tone_;
  std::string sender_address_;
  std::atomic<bool> sender_{false};
  std::atomic<bool> playing_{false};
};

}  // namespace mixmatrix::mixer
