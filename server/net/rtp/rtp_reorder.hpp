#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "protocol/rtp.hpp"

namespace mixmatrix::server {

/// Puts one RTP stream's packets back in the order of their timestamps, on the network thread,
/// before its frames enter the input's jitter buffer: a packet that continues the stream is
/// released at once (with any held packets it makes contiguous); one that comes early, past a gap,
/// is held until the gap is filled or until what is held past it spans the reorder window (at
/// least three packets), when the gap is given up as lost and released as silence. A packet whose
/// frames were already released is late (or a duplicate, told by its sequence number) and
/// dropped; a new SSRC or a timestamp more than the largest jump away resynchronises. Frames are
/// interleaved s16 stereo at the stream's own rate, timestamps counting them.
class rtp_reorder {
 public:
  /// Holds at most `window_frames` of frames past a gap; a jump beyond `max_jump_frames` resyncs.
  rtp_reorder(std::size_t window_frames, std::size_t max_jump_frames);

  /// Takes the packet `h` whose payload is `samples`; appends what it releases to `out`.
  void push(const protocol::rtp_header& h, std::span<const std::int16_t> samples,
            std::vector<std::int16_t>& out);
  /// The sender went quiet: releases whatever is held, its gaps as silence, to `out`.
  void flush(std::vector<std::int16_t>& out);
  /// Whether packets are held past a gap.
  bool holding() const { return !held_.empty(); }
  /// The SSRC followed (0 before the first packet).
  std::uint32_t ssrc() const { return ssrc_; }
  /// The timestamp of the frame after the last one released.
  std::uint32_t next_timestamp() const { return static_cast<std::uint32_t>(next_); }
  /// What the packets did.
  const protocol::rtp_counts& counts() const { return counts_; }

 private:
  struct held_packet {
    std::uint16_t sequence;
    std::vector<std::int16_t> samples;
  };

  void resync(const protocol::rtp_header& h);
  bool seen(std::uint16_t sequence) const;
  void mark_seen(std::uint16_t sequence);
  void release(std::uint16_t sequence, std::span<const std::int16_t> samples, std::vector<std::int16_t>& out);
  void release_contiguous(std::vector<std::int16_t>& out);
  void skip_gap(std::vector<std::int16_t>& out);

  std::int64_t window_frames_;
  std::int64_t max_jump_frames_;
  bool synced_ = false;
  std::uint32_t ssrc_ = 0;
  std::int64_t next_ = 0;                     // the timestamp of the next frame to release, unwrapped
  std::int64_t highest_end_ = 0;              // past the latest frame any packet brought
  std::uint16_t last_sequence_ = 0;           // of the last packet released
  std::map<std::int64_t, held_packet> held_;  // by unwrapped timestamp
  std::array<std::uint32_t, 256> seen_{};     // sequence | 1 << 16, at sequence % 256
  protocol::rtp_counts counts_;
};

}  // namespace mixmatrix::server
