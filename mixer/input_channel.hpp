#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mixer/arrival_meter.hpp"
#include "mixer/byte_ring.hpp"
#include "mixer/channel.hpp"
#include "mixer/drift_loop.hpp"
#include "mixer/resampler.hpp"
#include "mixer/tone_generator.hpp"

namespace mixmatrix::mixer {

/// Where an input's audio comes from: a network sender or a file player writing its ring, or a
/// tone generated in the engine.
enum class input_kind { network, file, tone };

/// An input channel. A network input owns a jitter buffer: a byte ring that one sender fills
/// (TCP may cut it anywhere) and the engine drains a block at a time once its target is
/// buffered; when it runs dry the rest of the block is silence, an underrun is counted, the
/// target grows by one block for the next 30 s (up to half the ring) and the input waits to
/// refill. While it plays, the buffer's mean level over windows of half a second is held in the
/// band the sender's packets give around the target: a level out of it (the margin of an unknown
/// start, a burst, a stall) is trimmed back to rest above the band's low edge by reading up to
/// 0.8 % faster or slower for a second or two, and a drift_loop follows the sender's clock; a
/// resampler reads the ring at their ratio, so a sender whose crystal runs fast or slow loses or
/// gains nothing. Whenever the ratio is exactly 1 (a sender on our clock once its level rests, or
/// paced by a full ring, or a burst) the ring is read as it is, bit for bit: a trim ends on a whole
/// frame and hands the resampler's frames back. Gross excess (a burst after a stall) is skipped
/// instead, at once, with a short crossfade. Played at its timestamps (play_at_timestamps(), RTP's
/// media clock), the error held to zero is instead how late each block's first frame is against when
/// it is due, by the same trims and skips, and the level is whatever that takes. A tone input
/// generates a sine in the engine.
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
  /// Any thread: the jitter-buffer target now, in ms: what the sender's arrivals need (see
  /// note_arrival), never below the latency asked for (grown by underruns).
  std::uint32_t target_ms() const;
  /// The tone's settings (tone inputs only).
  const tone_generator& tone() const { return *tone_; }

  /// The sender's thread: the ring it writes into (network and file inputs).
  byte_ring& ring() { return *ring_; }
  /// Network thread: a sender (at address `peer`, or a file player) took this input.
  void attach_sender(std::string peer);
  /// The sender's thread: `bytes` written into the ring just arrived, at `now` (seconds of a
  /// monotonic clock): measures the sender's packets and jitter and sizes the target to them.
  void note_arrival(std::size_t bytes, double now);
  /// Control thread, before the engine sees the input: plays it at its timestamps plus
  /// `offset_ms` (note_due() gives them) instead of at its buffer's level.
  void play_at_timestamps(std::uint32_t offset_ms) { media_offset_ms_ = offset_ms; }
  /// The offset of play_at_timestamps(), if the input plays at its timestamps.
  std::optional<std::uint32_t> media_offset_ms() const { return media_offset_ms_; }
  /// The sender's thread: the next frame written into the ring is due at `due_ns` (monotonic
  /// clock), its timestamp on the media clock read against ours.
  void note_due(std::int64_t due_ns);
  /// The sender's thread: the sender left; a half frame it left behind is completed with silence
  /// so the next sender's left and right stay where they belong.
  void detach_sender();
  /// Network thread: the address of the current or last sender.
  const std::string& sender_address() const { return sender_address_; }
  /// Any thread: whether a sender holds this input.
  bool has_sender() const { return sender_.load(std::memory_order_acquire); }
  /// Any thread: whether the input is currently heard (its buffer reached the target).
  bool playing() const { return playing_.load(std::memory_order_relaxed); }
  /// Any thread: the longest read of the sender's (a packet, or what TCP coalesced), in ms, as
  /// sized for (part of the target).
  std::uint32_t packet_ms() const {
    return static_cast<std::uint32_t>(packet_frames_.load(std::memory_order_relaxed) * 1000 / rate_);
  }
  /// Any thread: the spread of the sender's arrivals against its own pace, in ms, as sized for
  /// (part of the target).
  std::uint32_t jitter_ms() const {
    return static_cast<std::uint32_t>(spread_frames_.load(std::memory_order_relaxed) * 1000 / rate_);
  }
  /// Any thread: milliseconds of audio buffered (in the ring and the resampler).
  std::uint32_t buffered_ms() const;
  /// Any thread: input frames read per output frame (1: the ring is read as it is).
  double ratio() const { return ratio_shown_.load(std::memory_order_relaxed); }
  /// Any thread: whether the level has come to rest at its target since the sender joined (the
  /// margin of its start given back), and holds there.
  bool settled() const { return settled_shown_.load(std::memory_order_relaxed); }
  /// Any thread: the sender's clock offset as the drift loop estimates it, ppm (positive: fast).
  double drift_ppm() const { return drift_shown_.load(std::memory_order_relaxed); }

  /// Engine thread: the next block of this input (block_samples() samples), whose first frame is
  /// played at `block_ns` (monotonic clock; 0: unknown, and an input playing at its timestamps
  /// plays at its level instead). No allocation.
  void render(std::span<std::int16_t> block, std::int64_t block_ns = 0);

 private:
  std::size_t target_bytes() const;
  std::size_t resting_target_bytes() const;
  void render_network(std::span<std::int16_t> block, std::int64_t block_ns);
  double media_lateness(std::int64_t block_ns) const;
  void align_start(std::size_t available);
  void watch_media();
  bool render_resampled(std::span<std::int16_t> block, std::size_t available, bool sender);
  void leave_resampler(std::span<std::int16_t> block, std::size_t available);
  void read_skipping(std::span<std::int16_t> block, std::size_t skip_bytes);
  double steer();
  void watch_level(double level);
  void trim_towards(double goal);
  void run_dry(std::span<std::int16_t> block, std::size_t got, bool sender);
  void keep_history(std::span<const std::int16_t> block);

  input_kind source_;
  std::uint32_t rate_;
  std::uint32_t latency_ms_ = 0;
  std::size_t block_bytes_;
  std::size_t max_target_bytes_ = 0;
  std::size_t floor_bytes_ = 0;               // the latency asked for
  std::atomic<std::size_t> target_bytes_{0};  // that, grown by recent underruns
  std::uint64_t blocks_since_underrun_ = 0;
  std::uint64_t underrun_memory_blocks_ = 0;   // after which their growth is given back
  // Written by the sender's thread on every read: on cache lines of their own, away from what the
  // engine writes every block (sharing one cost a cache miss a packet).
  alignas(64) arrival_meter arrivals_;
  std::atomic<std::size_t> needed_bytes_{0};   // what the arrivals need
  std::atomic<std::size_t> packet_frames_{0};  // the longest of them
  std::atomic<std::size_t> spread_frames_{0};  // of their lateness
  std::atomic<std::size_t> margin_bytes_{0};   // for a start whose jitter is not known yet
  static constexpr std::int64_t no_epoch = std::numeric_limits<std::int64_t>::min();
  std::atomic<std::int64_t> media_epoch_ns_{no_epoch};  // when the ring's frame 0 is due (monotonic)
  alignas(64) std::unique_ptr<byte_ring> ring_;
  std::vector<std::int16_t> scratch_;  // what is read, with the frames skipped with it
  std::vector<std::int16_t> staging_;  // what the resampler is given
  std::vector<float> resampled_;       // a block from the resampler
  std::vector<std::int16_t> history_;  // the last frames played, for a resampler to continue
  std::unique_ptr<resampler> resampler_;
  double deadband_;  // frames of error the loop ignores, at least: more when the level is noisy
  double noise_ = 0.0;       // the mean change of the error from one window to the next, frames
  double last_error_ = 0.0;  // the last window's
  std::size_t windows_judged_ = 0;  // since the level held was measured
  drift_loop loop_;
  bool resampling_ = false;               // the ratio has left 1 since the sender came
  double setpoint_ = -1.0;                // the mean level held, frames (negative: not measured yet)
  double trim_to_ = -1.0;                 // the setpoint being moved to (negative: none)
  double trim_speed_ = 0.0;               // of that move, as a change of the ratio
  double trim_ = 0.0;                     // the change of the ratio now, gliding to and from that
  bool settled_ = false;                  // came to rest since joining, its start's margin gone
  double ratio_ = 1.0;                    // for this block: the loop's, and a trim's
  std::size_t window_blocks_ = 0;
  std::optional<std::uint32_t> media_offset_ms_;  // playing at timestamps plus this
  double lateness_ = 0.0;      // of this block's first frame against when it is due, frames (NaN: unknown)
  double lateness_sum_ = 0.0;  // over the window
  std::size_t window_seen_ = 0;           // blocks of the current window
  double window_sum_ = 0.0;               // of the levels seen in the window, frames
  double window_setpoint_sum_ = 0.0;      // and of the setpoints they were held at
  std::uint64_t window_overruns_ = 0;     // the overrun count when the window began
  std::uint64_t window_bytes_in_ = 0;     // the byte count when the window began
  std::size_t skip_bytes_ = 0;            // to skip with the next block
  std::uint32_t senders_seen_ = 0;        // the engine's copy of senders_
  std::atomic<std::uint32_t> senders_{0};  // counts attach_sender(): a new clock to follow
  std::atomic<std::size_t> held_frames_{0};  // by the resampler, past its position
  std::atomic<double> ratio_shown_{1.0};
  std::atomic<double> drift_shown_{0.0};
  std::atomic<bool> settled_shown_{false};
  std::optional<tone_generator> tone_;
  std::string sender_address_;
  std::atomic<bool> sender_{false};
  std::atomic<bool> playing_{false};
};

}  // namespace mixmatrix::mixer
