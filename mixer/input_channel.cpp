#include "mixer/input_channel.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "mixer/kernels.hpp"

namespace mixmatrix::mixer {

static_assert(std::endian::native == std::endian::little, "the wire format is little-endian PCM");

namespace {
constexpr double max_ratio = 1.02;  // beyond what the drift loop and a trim ever ask, with a landing
// A level is moved by reading faster or slower than real time for a few seconds: at a speed that
// takes three (a stream's start gives back its margin of 20 ms at 0.67 %, 11 cents), at least
// 0.2 % and at most 1.2 % (40 ms in three and a half seconds).
constexpr double slowest_trim = 0.002;
constexpr double fastest_trim = 0.012;
constexpr double trim_seconds = 3.0;
constexpr double trim_slew = 0.12;  // per second: to the fastest trim in 0.1 s
constexpr double landing_step = 0.001;
constexpr std::size_t noise_windows = 4;  // judged before the loop acts (2 s)
constexpr double underruns_forgotten_after = 30.0;  // seconds: the arrival meter's memory
// More above the band than a trim takes away in some four seconds: skipped instead.
constexpr double gross_excess = 0.05;
// The margin of a sender's start, whose jitter (ffmpeg's is 10 to 15 ms) shows only as it happens:
// full for half a second, gone after two, so the level comes down while the meter learns.
constexpr double start_seconds = 2.0;
double start_margin(double observed) {
  return 0.020 * std::clamp((start_seconds - observed) / 1.5, 0.0, 1.0);
}

double window_seconds(const engine_config& config) {
  return static_cast<double>(std::max<std::size_t>(1, config.rate / 2 / config.block_frames) * config.block_frames) /
         config.rate;
}
// 1.5 ms: within it the level is held (half of the 3 ms allowed), and the noise of a window's mean
// from packets and scheduling does not move the loop.
double deadband_frames(const engine_config& config) { return 0.0015 * config.rate; }
// Played at its timestamps, an input is held within this of when its frames are due: its error is
// measured exactly (no packet's jitter in it), and two servers playing one stream must agree.
constexpr double media_deadband_ms = 0.25;
}  // namespace

input_channel::input_channel(std::string name, const engine_config& config, std::uint32_t latency_ms,
                             input_kind source)
    : channel(std::move(name), channel_kind::input, config),
      source_(source),
      rate_(config.rate),
      latency_ms_(latency_ms),
      block_bytes_(config.block_frames * bytes_per_frame),
      arrivals_(static_cast<double>(config.rate) * bytes_per_frame),
      deadband_(deadband_frames(config)),
      loop_(config.rate, window_seconds(config), deadband_) {
  const std::size_t capacity = config.frames_for_ms(config.input_buffer_ms) * bytes_per_frame;
  ring_ = std::make_unique<byte_ring>(std::max(capacity, 4 * block_bytes_));
  // A target below one block would underrun every tick, and one above the ring could never fill.
  const std::size_t target = std::clamp(config.frames_for_ms(latency_ms) * bytes_per_frame, block_bytes_,
                                        ring_->capacity() - block_bytes_);
  target_bytes_.store(target, std::memory_order_relaxed);
  floor_bytes_ = target;
  max_target_bytes_ = std::max(target, ring_->capacity() / 2 / bytes_per_frame * bytes_per_frame);
  window_blocks_ = std::max<std::size_t>(1, config.rate / 2 / config.block_frames);
  underrun_memory_blocks_ =
      static_cast<std::uint64_t>(underruns_forgotten_after * config.rate / config.block_frames);
  auto drift_filter = resample_filter::for_ratio(1.0);
  const std::size_t taps = drift_filter->taps();
  resampler_ = std::make_unique<resampler>(std::move(drift_filter), config.block_frames, max_ratio);
  // A block, the resampler's look-ahead and a block skipped with them.
  scratch_.resize(2 * config.block_samples() + 2 * taps + 8);
  staging_.resize(config.block_samples() + 2 * taps + 8);
  resampled_.resize(config.block_samples());
  history_.resize(2 * resampler_->history_frames());
}

input_channel::input_channel(std::string name, const engine_config& config, double hz, double dbfs)
    : channel(std::move(name), channel_kind::input, config),
      source_(input_kind::tone),
      rate_(config.rate),
      block_bytes_(config.block_frames * bytes_per_frame),
      arrivals_(static_cast<double>(config.rate) * bytes_per_frame),
      deadband_(deadband_frames(config)),
      loop_(config.rate, window_seconds(config), deadband_),
      tone_(std::in_place, hz, dbfs, config.rate) {}

void input_channel::attach_sender(std::string peer) {
  sender_address_ = std::move(peer);
  arrivals_.reset();
  needed_bytes_.store(0, std::memory_order_relaxed);
  packet_frames_.store(0, std::memory_order_relaxed);
  spread_frames_.store(0, std::memory_order_relaxed);
  margin_bytes_.store(0, std::memory_order_relaxed);  // until the first arrival
  senders_.fetch_add(1, std::memory_order_relaxed);
  sender_.store(true, std::memory_order_release);
}

void input_channel::detach_sender() {
  ring_->pad_to_multiple(bytes_per_frame);
  sender_.store(false, std::memory_order_release);
}

void input_channel::note_due(std::int64_t due_ns) {
  const auto frames = static_cast<double>(ring_->written_total() / bytes_per_frame);
  media_epoch_ns_.store(due_ns - static_cast<std::int64_t>(std::llround(frames * 1e9 / rate_)),
                        std::memory_order_relaxed);
}

void input_channel::note_arrival(std::size_t bytes, double now) {
  arrivals_.arrived(bytes, now);
  // What the arrivals need and a block the engine takes at once, and the start's margin. Each
  // figure is a scan of the meter's thirty seconds: once a read, for thousands of inputs.
  const double need = arrivals_.needed(), longest = arrivals_.longest();
  const double frames = need * rate_ + static_cast<double>(block_bytes_ / bytes_per_frame);
  const std::size_t needed = static_cast<std::size_t>(std::ceil(frames)) * bytes_per_frame;
  needed_bytes_.store(std::min(needed, max_target_bytes_), std::memory_order_relaxed);
  margin_bytes_.store(static_cast<std::size_t>(start_margin(arrivals_.observed()) * rate_) * bytes_per_frame,
                      std::memory_order_relaxed);
  packet_frames_.store(static_cast<std::size_t>(longest * rate_), std::memory_order_relaxed);
  spread_frames_.store(static_cast<std::size_t>(std::max(0.0, need - longest) * rate_),
                       std::memory_order_relaxed);
}

std::size_t input_channel::target_bytes() const {
  return std::min(
      std::max(target_bytes_.load(std::memory_order_relaxed),
               needed_bytes_.load(std::memory_order_relaxed) + margin_bytes_.load(std::memory_order_relaxed)),
      max_target_bytes_);
}

std::size_t input_channel::resting_target_bytes() const {
  return std::max(target_bytes_.load(std::memory_order_relaxed), needed_bytes_.load(std::memory_order_relaxed));
}

std::uint32_t input_channel::target_ms() const {
  return static_cast<std::uint32_t>(target_bytes() / bytes_per_frame * 1000 / rate_);
}

std::uint32_t input_channel::buffered_ms() const {
  if (!ring_) return 0;
  const std::size_t frames = ring_->readable() / bytes_per_frame + held_frames_.load(std::memory_order_relaxed);
  return static_cast<std::uint32_t>(frames * 1000 / rate_);
}

void input_channel::render(std::span<std::int16_t> block, std::int64_t block_ns) {
  if (source_ == input_kind::tone) {
    tone_->render(block);
    playing_.store(true, std::memory_order_relaxed);
    return;
  }
  render_network(block, block_ns);
}

double input_channel::media_lateness(std::int64_t block_ns) const {
  const std::int64_t epoch = media_epoch_ns_.load(std::memory_order_relaxed);
  if (!media_offset_ms_ || block_ns == 0 || epoch == no_epoch)
    return std::numeric_limits<double>::quiet_NaN();
  // The frame this block starts with: the ring's next, less what the resampler holds of it.
  const double next =
      static_cast<double>(ring_->read_total() / bytes_per_frame) - (resampling_ ? resampler_->ahead() : 0.0);
  const double due_after_ns =
      static_cast<double>(epoch - block_ns) + next * 1e9 / rate_ + *media_offset_ms_ * 1e6;
  return -due_after_ns * rate_ / 1e9;
}

void input_channel::align_start(std::size_t available) {
  // Frames already past due are dropped, so that the first one played is the one due now.
  if (lateness_ < 1.0 || available <= block_bytes_) return;
  const auto late = static_cast<std::size_t>(lateness_) * bytes_per_frame;
  lateness_ -=
      static_cast<double>(ring_->discard(std::min(late, available - block_bytes_)) / bytes_per_frame);
}

void input_channel::render_network(std::span<std::int16_t> block, std::int64_t block_ns) {
  const bool sender = has_sender();
  if (const auto senders = senders_.load(std::memory_order_relaxed); senders != senders_seen_) {
    senders_seen_ = senders;  // a new sender: a new clock
    loop_.reset();
    trim_ = 0.0;
    resampling_ = false;
    held_frames_.store(0, std::memory_order_relaxed);
    trim_to_ = -1.0;
    noise_ = 0.0;
    ratio_shown_.store(1.0, std::memory_order_relaxed);
    drift_shown_.store(0.0, std::memory_order_relaxed);
  }
  // The blocks an underrun added to the target are given back once none has come for a while.
  if (++blocks_since_underrun_ > underrun_memory_blocks_) {
    target_bytes_.store(floor_bytes_, std::memory_order_relaxed);
  }
  std::size_t available = ring_->readable() / bytes_per_frame * bytes_per_frame;
  const std::size_t target = target_bytes();
  lateness_ = media_lateness(block_ns);
  const bool at_timestamps = !std::isnan(lateness_);
  bool playing = playing_.load(std::memory_order_relaxed);
  if (!playing) {
    // A departed sender's last frames are played out even below the target; one played at its
    // timestamps starts when its next frame is due (within half a block).
    if (at_timestamps) {
      playing = available >= block.size_bytes() && lateness_ >= -static_cast<double>(block.size() / 4);
      if (playing) align_start(available);
      available = ring_->readable() / bytes_per_frame * bytes_per_frame;
    } else {
      playing = available >= target || (!sender && available > 0);
    }
    if (!playing) {
      std::fill(block.begin(), block.end(), std::int16_t{0});
      return;
    }
    setpoint_ = -1.0;  // joining: the level to hold is measured anew, and brought to rest
    trim_to_ = -1.0;
    trim_ = 0.0;
    settled_ = false;
    settled_shown_.store(false, std::memory_order_relaxed);
    window_seen_ = 0;
    if (resampling_) resampler_->restart(history_);
  }
  if (source_ == input_kind::network && sender && steer() != 1.0 && !resampling_) {
    resampler_->restart(history_);  // continues from the frames just played
    resampling_ = true;
  }
  if (resampling_ && sender && ratio_ == 1.0 && skip_bytes_ == 0 && resampler_->on_whole_frame() &&
      resampler_->ahead() <= static_cast<double>(block.size() / channels_per_frame) &&
      available >= block.size_bytes()) {
    leave_resampler(block, available);
    return;
  }
  if (resampling_) {
    if (!render_resampled(block, available, sender)) run_dry(block, 0, sender);
    return;
  }
  if (const std::size_t skip = skip_bytes_; sender && available >= block.size_bytes() + skip) {
    skip_bytes_ = 0;
    read_skipping(block, skip);
    keep_history(block);
    // A file input's player keeps its ring full on purpose: only network inputs follow a clock.
    if (source_ == input_kind::network) watch_level(static_cast<double>((available - skip) / bytes_per_frame));
    playing_.store(true, std::memory_order_relaxed);
    return;
  } else {
    auto out = std::as_writable_bytes(block);
    const std::size_t got = ring_->read(out.first(std::min(out.size(), available)));
    if (got == out.size()) {
      keep_history(block);
      playing_.store(true, std::memory_order_relaxed);
      return;
    }
    run_dry(block, got / sizeof(std::int16_t), sender);
  }
}

bool input_channel::render_resampled(std::span<std::int16_t> block, std::size_t available, bool sender) {
  const std::size_t frames = block.size() / channels_per_frame;
  // Back at ratio 1, the resampler lands on a whole frame (reading at most 0.1 % faster or slower
  // for a few blocks), from where the ring is read as it is again.
  const double ratio = ratio_ == 1.0 ? resampler_->landing_ratio(frames, 1.0, landing_step) : ratio_;
  const std::size_t need = resampler_->needed(frames, ratio);
  if (sender && available < need * bytes_per_frame) return false;
  // A skip waits for the frames it needs; a departed sender's last frames are all played.
  const std::size_t skip = sender && available >= need * bytes_per_frame + skip_bytes_ ? skip_bytes_ : 0;
  if (skip > 0 || !sender) skip_bytes_ = 0;
  const double level = static_cast<double>(available / bytes_per_frame) + resampler_->ahead();
  auto in = std::span(staging_).first(need * channels_per_frame);
  const bool last = available < in.size_bytes() + skip;
  if (!last) {
    read_skipping(in, skip);
  } else {
    // A departed sender's last frames, and silence after them.
    const std::size_t got = ring_->read(std::as_writable_bytes(in).first(available));
    std::fill(in.begin() + static_cast<std::ptrdiff_t>(got / sizeof(std::int16_t)), in.end(), std::int16_t{0});
  }
  resampler_->append(in);
  resampler_->produce(resampled_, ratio);
  kernels().float_to_s16(resampled_.data(), block.data(), block.size());
  held_frames_.store(static_cast<std::size_t>(resampler_->ahead()), std::memory_order_relaxed);
  keep_history(block);
  if (sender) watch_level(level - static_cast<double>(skip / bytes_per_frame));
  playing_.store(!last, std::memory_order_relaxed);  // a departed sender's audio ends here
  return true;
}

void input_channel::leave_resampler(std::span<std::int16_t> block, std::size_t available) {
  const double level = static_cast<double>(available / bytes_per_frame) + resampler_->ahead();
  const std::size_t held = resampler_->release(block);
  ring_->read(std::as_writable_bytes(block.subspan(held * channels_per_frame)));
  resampling_ = false;
  held_frames_.store(0, std::memory_order_relaxed);
  keep_history(block);
  watch_level(level);
  playing_.store(true, std::memory_order_relaxed);
}

void input_channel::run_dry(std::span<std::int16_t> block, std::size_t got, bool sender) {
  std::fill(block.begin() + static_cast<std::ptrdiff_t>(got), block.end(), std::int16_t{0});
  window_seen_ = 0;  // a run that ends dry (or a sender leaving) is no window to judge
  skip_bytes_ = 0;
  if (sender) {
    counters().underruns.fetch_add(1, std::memory_order_relaxed);
    blocks_since_underrun_ = 0;
    const std::size_t target = target_bytes_.load(std::memory_order_relaxed);
    target_bytes_.store(std::min(target + block_bytes_, max_target_bytes_), std::memory_order_relaxed);
  }
  keep_history(block);
  playing_.store(false, std::memory_order_relaxed);
}

void input_channel::keep_history(std::span<const std::int16_t> block) {
  const std::size_t n = std::min(history_.size(), block.size());
  std::copy(block.end() - static_cast<std::ptrdiff_t>(n), block.end(), history_.end() - static_cast<std::ptrdiff_t>(n));
}

double input_channel::steer() {
  // The level is moved by reading a little faster or slower than real time, its setpoint with it,
  // so the drift loop never sees the move. The trim's ratio glides to its speed and back to 0 at
  // trim_slew a second (a step of the ratio would kink the wave), slowing down in time to stop
  // where the move ends.
  const double block_frames = static_cast<double>(block_bytes_ / bytes_per_frame);
  const double slew = trim_slew * block_frames / rate_;  // per block
  double wanted = 0.0;
  if (trim_to_ >= 0.0) {
    const double remaining = setpoint_ - trim_to_;  // frames; positive: to be lowered, reading faster
    const double t = std::abs(trim_);
    const double stopping = block_frames * (t * t / (2 * slew) + t / 2);
    if (std::abs(remaining) > stopping) wanted = remaining > 0 ? trim_speed_ : -trim_speed_;
  }
  trim_ += std::clamp(wanted - trim_, -slew, slew);
  setpoint_ -= trim_ * block_frames;
  if (trim_to_ >= 0.0 && wanted == 0.0 && trim_ == 0.0) {
    setpoint_ = trim_to_;
    trim_to_ = -1.0;
  }
  ratio_ = loop_.ratio() + trim_;
  ratio_shown_.store(ratio_, std::memory_order_relaxed);
  return ratio_;
}

void input_channel::watch_level(double level) {
  if (!std::isnan(lateness_)) return watch_media();
  if (window_seen_ == 0) {
    window_overruns_ = counters().overruns.load(std::memory_order_relaxed);
    window_bytes_in_ = counters().bytes_in.load(std::memory_order_relaxed);
    window_sum_ = 0.0;
    window_setpoint_sum_ = 0.0;
  }
  window_sum_ += level;
  window_setpoint_sum_ += setpoint_;
  if (++window_seen_ < window_blocks_) return;
  window_seen_ = 0;
  const double mean = window_sum_ / static_cast<double>(window_blocks_);
  const double block_frames = static_cast<double>(block_bytes_ / bytes_per_frame);
  const double target = static_cast<double>(target_bytes() / bytes_per_frame);
  // Not when the ring was full meanwhile (TCP paces the sender: every byte is wanted, and its
  // clock is ours), nor when the window brought much more or less than real time (a file sent at
  // once, to be played out whole; a stall).
  const bool held_back = counters().overruns.load(std::memory_order_relaxed) != window_overruns_;
  const std::uint64_t received = counters().bytes_in.load(std::memory_order_relaxed) - window_bytes_in_;
  const std::uint64_t real_time = window_blocks_ * block_bytes_;
  const bool streaming = received * 10 >= real_time * 9 && received * 10 <= real_time * 11;
  if (held_back || !streaming) return;
  // The mean level a steady sender's packets give at the target lies between the target less half
  // a packet and half the arrivals' spread (late ones drag the mean down) and a block and a packet
  // above that. A level that strays out of that band is moved back in, by a trim rather than by
  // the loop (which only follows the sender's clock), to where it comes to rest: half a block
  // above the band's low edge. So the level a sender joined at, sized for an unknown start, is
  // given back once the meter knows the sender.
  const double packet = static_cast<double>(packet_frames_.load(std::memory_order_relaxed));
  const double spread = static_cast<double>(spread_frames_.load(std::memory_order_relaxed));
  const double low = std::max(target - packet / 2 - spread / 2, block_frames);
  const double high = low + packet + block_frames;
  // Where the level comes to rest: above the band's low edge (where a packet as late as the worst
  // measured finds the buffer empty) by half a block and the jitter once more, for the outliers no
  // second has shown yet on a busy machine (with half the jitter, one in eight runs underran while
  // builds loaded both cores); reckoned without the start's margin, which is gone by the time a
  // move there has ended.
  const double resting = static_cast<double>(resting_target_bytes() / bytes_per_frame);
  const double rest = std::max(resting - packet / 2 + spread / 2, block_frames + spread) + block_frames / 2;
  if (setpoint_ < 0.0) {
    // The first window judged only measures: one window of a burst that happened to trickle in at
    // about real time proves no pace, and is no excess to skip.
    setpoint_ = mean;
    last_error_ = 0.0;
    windows_judged_ = 0;
    return;
  }
  // Against the window's mean setpoint: a trim moves it all through the window.
  double error = mean - window_setpoint_sum_ / static_cast<double>(window_blocks_);
  // How much a window's mean wanders by itself (a drift moves it well under a deadband a window):
  // a sender with heavy jitter gets a deadband and a jump threshold that wide, so its noise is
  // neither followed as drift nor mistaken for jumps that would reset the level held. One outlier
  // (a stall) moves the estimate a little only.
  const double change = std::abs(error - last_error_);
  noise_ += 0.1 * (std::min(change, 4.0 * noise_ + deadband_) - noise_);
  const double deadband = std::max(deadband_, 3.0 * noise_);  // some 2.7 times the noise's deviation
  loop_.set_deadband(deadband);
  if (mean - std::min(setpoint_, high) > std::max(2 * block_frames, gross_excess * rate_)) {
    // Gross excess, a burst after a stall: skipped down to rest at once, crossfaded.
    skip_bytes_ = static_cast<std::size_t>(mean - rest) * bytes_per_frame;
    setpoint_ = rest;
    trim_to_ = -1.0;
    last_error_ = 0.0;
    return;
  }
  if (std::abs(error) > 3 * deadband) {
    // A jump, not a drift (which moves the level well under a deadband a window): trimmed.
    if (trim_to_ < 0.0) trim_towards(setpoint_);
    setpoint_ = mean;
    error = 0.0;
  }
  // Until it has come to rest once the start's margin is gone, a level that joined is brought to
  // rest; after that, only when it leaves the band.
  const double wanted = trim_to_ < 0.0 ? setpoint_ : trim_to_;
  const double goal = !settled_ || wanted > high || wanted < low ? rest : wanted;
  if (std::abs(goal - setpoint_) > deadband) {
    trim_towards(goal);
  } else if (trim_to_ < 0.0 && margin_bytes_.load(std::memory_order_relaxed) == 0) {
    settled_ = true;
  }
  settled_shown_.store(settled_ && trim_to_ < 0.0, std::memory_order_relaxed);
  // The loop acts once the noise is known: before, a noisy sender's first errors would pass for
  // drift. Meanwhile the level held is their mean, not one window's.
  if (++windows_judged_ < noise_windows && loop_.ratio() == 1.0) {
    if (trim_to_ < 0.0) setpoint_ += error / static_cast<double>(windows_judged_ + 1);
    last_error_ = error;
    return;
  }
  last_error_ = error;
  loop_.update(error);
  drift_shown_.store(loop_.offset() * 1e6, std::memory_order_relaxed);
}

void input_channel::watch_media() {
  if (window_seen_ == 0) lateness_sum_ = 0.0;
  lateness_sum_ += lateness_;
  if (++window_seen_ < window_blocks_) return;
  window_seen_ = 0;
  const double late = lateness_sum_ / static_cast<double>(window_blocks_);
  // Played at its timestamps, the level is whatever they make it: a trim moves the lateness (the
  // setpoint, here) to 0, a gross one is skipped, and audio far too early waits for its time.
  const double gross = gross_excess * rate_;
  const double deadband = media_deadband_ms * 1e-3 * rate_;
  if (late > gross) {
    skip_bytes_ = static_cast<std::size_t>(late) * bytes_per_frame;
    trim_to_ = -1.0;
  } else if (late < -gross) {
    playing_.store(false, std::memory_order_relaxed);
  } else if (trim_to_ < 0.0 && std::abs(late) > deadband) {
    setpoint_ = late;
    trim_towards(0.0);
  }
  settled_ = trim_to_ < 0.0 && std::abs(late) <= deadband;
  settled_shown_.store(settled_, std::memory_order_relaxed);
}

void input_channel::trim_towards(double goal) {
  // A move under way keeps its speed (a goal that recedes as the start's margin goes makes it no
  // slower), unless it needs more.
  const bool same_way = trim_to_ >= 0.0 && (goal < setpoint_) == (trim_to_ < setpoint_);
  const double speed =
      std::clamp(std::abs(setpoint_ - goal) / rate_ / trim_seconds, slowest_trim, fastest_trim);
  trim_speed_ = same_way ? std::max(trim_speed_, speed) : speed;
  trim_to_ = goal;
}

// Reads a block and skips `skip_bytes` after it, crossfading the block's last frames into the
// frames that follow the skipped ones, so the jump makes no click.
void input_channel::read_skipping(std::span<std::int16_t> block, std::size_t skip_bytes) {
  if (skip_bytes == 0) {
    ring_->read(std::as_writable_bytes(block));
    return;
  }
  const std::size_t fade = std::min<std::size_t>(64, block.size() / 2);  // samples: 32 frames
  const std::size_t keep = block.size() - fade;
  const std::size_t skip = skip_bytes / sizeof(std::int16_t);  // samples
  // The block up to its fade, the fade's frames as they were, then (past the skipped ones) the
  // frames to fade into: the ring is read at most a block and a fade at a time.
  ring_->read(std::as_writable_bytes(block.first(keep)));
  auto from = std::span(scratch_).first(fade);
  auto to = std::span(scratch_).subspan(fade, fade);
  ring_->read(std::as_writable_bytes(from));
  if (skip >= fade) {
    ring_->discard((skip - fade) * sizeof(std::int16_t));
    ring_->read(std::as_writable_bytes(to));
  } else {
    // The frames to fade into overlap the fade's own: the ones read already, then the rest.
    std::copy(from.begin() + static_cast<std::ptrdiff_t>(skip), from.end(), to.begin());
    ring_->read(std::as_writable_bytes(to.subspan(fade - skip)));
  }
  for (std::size_t i = 0; i < fade; i += 2) {
    const float w = static_cast<float>(i / 2 + 1) / static_cast<float>(fade / 2);
    for (std::size_t ch = 0; ch < 2; ++ch) {
      const float a = from[i + ch];
      const float b = to[i + ch];
      block[keep + i + ch] = static_cast<std::int16_t>(std::lround(a + w * (b - a)));
    }
  }
  counters().skipped_frames.fetch_add(skip_bytes / bytes_per_frame, std::memory_order_relaxed);
}

}  // namespace mixmatrix::mixer
