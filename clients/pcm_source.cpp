#include "clients/pcm_source.hpp"

#include <unistd.h>

#include <stdexcept>

#include "audio_io/sound_file_reader.hpp"
#include "mixer/tone_generator.hpp"

namespace mixmatrix::clients {
namespace {

class sound_file : public pcm_source {
 public:
  explicit sound_file(const std::string& path) : file_(path) {}
  std::size_t read(std::int16_t* out, std::size_t frames) override { return file_.read(out, frames); }
  bool rewind() override { return file_.rewind(); }
  std::uint32_t rate() const override { return file_.rate(); }
  std::optional<std::uint64_t> length() const override { return file_.frames(); }

 private:
  audio_io::sound_file_reader file_;
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
