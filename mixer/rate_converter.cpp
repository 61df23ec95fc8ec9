#include "mixer/rate_converter.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "mixer/kernels.hpp"

namespace mixmatrix::mixer {
namespace {
constexpr std::size_t piece_frames = 128;  // produced at a time
}

rate_converter::rate_converter(std::uint32_t from, std::uint32_t to, std::size_t max_frames)
    : from_(from),
      to_(to),
      ratio_(static_cast<double>(from) / to),
      max_frames_(max_frames),
      resampler_(resample_filter::for_ratio(ratio_), piece_frames, std::max(1.0, ratio_)),
      piece_(2 * piece_frames),
      // finish() completes up to half a filter's length of output beyond a call's.
      out_(2 * max_output(max_frames + resampler_.history_frames() + 2)) {}

std::size_t rate_converter::max_output(std::size_t frames) const {
  // Every frame the input held could complete was produced by the last call: what is left yields
  // less than two more.
  return static_cast<std::size_t>(std::ceil(static_cast<double>(frames) / ratio_)) + 2;
}

std::size_t rate_converter::max_input(std::size_t frames) const {
  if (frames <= 3) return 0;
  return std::min(max_frames_, static_cast<std::size_t>(static_cast<double>(frames - 3) * ratio_));
}

std::span<const std::int16_t> rate_converter::convert(std::span<const std::int16_t> in) {
  assert(in.size() <= 2 * max_frames_);
  std::size_t produced = 0;  // samples
  for (;;) {
    const std::size_t taken = resampler_.append(in);
    in = in.subspan(2 * taken);
    frames_in_ += taken;
    const std::size_t n = std::min(piece_frames, resampler_.producible(ratio_));
    // The resampler holds a piece's input and more: a call that takes nothing completes something.
    assert(n > 0 || in.empty());
    if (n == 0) break;
    produce(n, produced);
  }
  return std::span(out_).first(produced);
}

std::span<const std::int16_t> rate_converter::finish() {
  // Output frame k is the instant k / to: those before the stream's end, frames_in_ / from, are its.
  const std::uint64_t wanted = (frames_in_ * to_ + from_ - 1) / from_;
  static constexpr std::int16_t silence[128] = {};
  std::size_t produced = 0;
  while (frames_out_ < wanted) {
    resampler_.append(silence);
    const std::size_t n = std::min({piece_frames, resampler_.producible(ratio_), static_cast<std::size_t>(wanted - frames_out_)});
    if (n > 0) produce(n, produced);
  }
  resampler_.restart({});
  frames_in_ = frames_out_ = 0;
  return std::span(out_).first(produced);
}

void rate_converter::produce(std::size_t frames, std::size_t& produced) {
  const auto piece = std::span(piece_).first(2 * frames);
  resampler_.produce(piece, ratio_);
  assert(produced + piece.size() <= out_.size());
  kernels().float_to_s16(piece.data(), out_.data() + produced, piece.size());
  produced += piece.size();
  frames_out_ += frames;
}

}  // namespace mixmatrix::mixer
