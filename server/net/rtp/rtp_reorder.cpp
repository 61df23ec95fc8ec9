#include "server/net/rtp/rtp_reorder.hpp"

#include <algorithm>

namespace mixmatrix::server {
namespace {
constexpr std::uint32_t seen_flag = 1u << 16;
// A run of missing sequence numbers longer than this is a sender's restart, not a loss.
constexpr std::uint16_t max_counted_loss = 1000;
}  // namespace

rtp_reorder::rtp_reorder(std::size_t window_frames, std::size_t max_jump_frames)
    : window_frames_(static_cast<std::int64_t>(window_frames)),
      max_jump_frames_(static_cast<std::int64_t>(std::max(max_jump_frames, window_frames))) {}

void rtp_reorder::resync(const protocol::rtp_header& h) {
  synced_ = true;
  ssrc_ = h.ssrc;
  next_ = highest_end_ = h.timestamp;
  last_sequence_ = static_cast<std::uint16_t>(h.sequence - 1);
  seen_.fill(0);
}

bool rtp_reorder::seen(std::uint16_t sequence) const {
  return seen_[sequence % seen_.size()] == (sequence | seen_flag);
}

void rtp_reorder::mark_seen(std::uint16_t sequence) {
  seen_[sequence % seen_.size()] = sequence | seen_flag;
}

void rtp_reorder::push(const protocol::rtp_header& h, std::span<const std::int16_t> samples,
                       std::vector<std::int16_t>& out) {
  if (samples.size() < 2) return;
  if (!synced_ || h.ssrc != ssrc_) {
    if (synced_) {
      flush(out);
      ++counts_.resyncs;
    }
    resync(h);
  }
  // Timestamps wrap at 2^32: the packet's distance from the next frame, either way.
  std::int64_t delta = static_cast<std::int32_t>(h.timestamp - static_cast<std::uint32_t>(next_));
  if (delta > max_jump_frames_ || delta < -max_jump_frames_) {
    flush(out);
    ++counts_.resyncs;
    resync(h);
    delta = 0;
  }
  std::int64_t at = next_ + delta;
  const auto frames = static_cast<std::int64_t>(samples.size() / 2);
  if (seen(h.sequence)) {
    ++counts_.duplicates;
    return;
  }
  if (at + frames <= next_) {
    ++counts_.late;
    return;
  }
  mark_seen(h.sequence);
  ++counts_.packets;
  if (at < highest_end_) ++counts_.reordered;
  highest_end_ = std::max(highest_end_, at + frames);
  if (at <= next_) {
    release(h.sequence, samples.subspan(static_cast<std::size_t>(next_ - at) * 2), out);
    release_contiguous(out);
  } else {
    held_.try_emplace(at, held_packet{h.sequence, std::vector<std::int16_t>(samples.begin(), samples.end())});
  }
  // However short the latency, a swapped pair of packets is put back in order.
  const std::int64_t window = std::max(window_frames_, 3 * frames);
  while (!held_.empty() && highest_end_ - next_ > window) {
    skip_gap(out);
    release_contiguous(out);
  }
}

void rtp_reorder::flush(std::vector<std::int16_t>& out) {
  while (!held_.empty()) {
    skip_gap(out);
    release_contiguous(out);
  }
}

void rtp_reorder::release(std::uint16_t sequence, std::span<const std::int16_t> samples,
                          std::vector<std::int16_t>& out) {
  out.insert(out.end(), samples.begin(), samples.end());
  next_ += static_cast<std::int64_t>(samples.size() / 2);
  last_sequence_ = sequence;
}

void rtp_reorder::release_contiguous(std::vector<std::int16_t>& out) {
  while (!held_.empty() && held_.begin()->first <= next_) {
    auto node = held_.extract(held_.begin());
    const auto skip = static_cast<std::size_t>(next_ - node.key()) * 2;
    const auto& samples = node.mapped().samples;
    if (skip < samples.size()) release(node.mapped().sequence, std::span(samples).subspan(skip), out);
  }
}

void rtp_reorder::skip_gap(std::vector<std::int16_t>& out) {
  const auto& [at, first] = *held_.begin();
  if (at > next_) {
    out.insert(out.end(), static_cast<std::size_t>(at - next_) * 2, std::int16_t{0});
    next_ = at;
    // The sequence numbers between the last packet released and the first held: never came.
    // (None missing: the sender skipped time, as after a pause; silence, but nothing lost.)
    const auto missing = static_cast<std::uint16_t>(first.sequence - last_sequence_ - 1);
    counts_.lost += missing <= max_counted_loss ? missing : 1;
  }
}

}  // namespace mixmatrix::server
