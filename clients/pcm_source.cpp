#include "clients/pcm_source.hpp"

#include <sndfile.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

#include "mixer/tone_generator.hpp"

namespace mixmatrix::clients {
namespace {

class sound_file : public pcm_source {
 public:
  explicit sound_file(const std::string& path) {
    file_ = sf_open(path.c_str(), SFM_READ, &info_);
    if (!file_) throw std::runtime_error(path + ": " + sf_strerror(nullptr));
    if (info_.channels < 1 || info_.channels > 2) {
      sf_close(file_);
      throw std::runtime_error(path + ": " + std::to_string(info_.channels) + " channels (mono or stereo only)");
    }
  }
  ~sound_file() override { sf_close(file_); }
  std::size_t read(std::int16_t* out, std::size_t frames) override {
    if (info_.channels == 2) return static_cast<std::size_t>(sf_readf_short(file_, out, static_cast<sf_count_t>(frames)));
    mono_.resize(frames);
    const auto n = static_cast<std::size_t>(sf_readf_short(file_, mono_.data(), static_cast<sf_count_t>(frames)));
    for (std::size_t f = 0; f < n; ++f) out[2 * f] = out[2 * f + 1] = mono_[f];
    return n;
  }
  bool rewind() override { return sf_seek(file_, 0, SEEK_SET) == 0; }
  std::uint32_t rate() const override { return static_cast<std::uint32_t>(info_.samplerate); }
  std::optional<std::uint64_t> length() const override { return static_cast<std::uint64_t>(info_.frames); }

 private:
  SF_INFO info_{};
  SNDFILE* file_ = nullptr;
  std::vector<std::int16_t> mono_;
};

class tone : public pcm_source {
 public:
  tone(double hz, double dbfs, std::uint32_t rate) : generator_(hz, dbfs, rate), rate_(rate) {}
  std::size_t read(std::int16_t* out, std::size_t frames) override {
    generator_.render({out, frames * 2});
    return frames;
  }
  bool rewind() override { return true; }
  std::uint32_t rate() const override { return rate_; }
  std::optional<std::uint64_t> length() const override { return std::nullopt; }

 private:
  mixer::tone_generator generator_;
  std::uint32_t rate_;
};

class standard_input : public pcm_source {
 public:
  explicit standard_input(std::uint32_t rate) : rate_(rate) {}
  std::size_t read(std::int16_t* out, std::size_t frames) override {
    // Whole frames only: a read may end mid-frame, so keep reading until one completes or input ends.
    auto* bytes = reinterpret_cast<char*>(out);
    const std::size_t want = frames * 4;
    std::size_t got = 0;
    while (got == 0 || got % 4 != 0) {
      const ssize_t n = ::read(0, bytes + got, want - got);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    return got / 4;
  }
  bool rewind() override { return false; }
  std::uint32_t rate() const override { return rate_; }
  std::optional<std::uint64_t> length() const override { return std::nullopt; }

 private:
  std::uint32_t rate_;
};

}  // namespace

std::unique_ptr<pcm_source> open_sound_file(const std::string& path) { return std::make_unique<sound_file>(path); }
std::unique_ptr<pcm_source> make_tone(double hz, double dbfs, std::uint32_t rate) {
  return std::make_unique<tone>(hz, dbfs, rate);
}
std::unique_ptr<pcm_source> open_stdin(std::uint32_t rate) { return std::make_unique<standard_input>(rate); }

}  // namespace mixmatrix::clients
