// mixrender: mixes sound files offline, as fast as the machine allows, with the server's kernels
// (the job of `sox -m`): a sum in float with per-input gains, saturated once to 16 bits.
//   mixrender --out OUT IN[:GAIN_DB] ...

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "clients/command_line.hpp"
#include "audio_io/mapped_wav.hpp"
#include "audio_io/sound_file_reader.hpp"
#include "audio_io/sound_file_writer.hpp"
#include "mixer/gain.hpp"
#include "mixer/kernels.hpp"

namespace {

using namespace mixmatrix;

constexpr const char* usage = R"(usage: mixrender --out OUT IN[:GAIN_DB] ...
Mixes sound files (any format libsndfile reads, one rate, mono or stereo) into OUT (wav, flac, ogg,
aiff, au or caf by extension) as fast as the machine allows: each input times its gain (default 0 dB),
summed in float, saturated once to 16 bits. Shorter inputs end in silence. --help, --version.
)";

constexpr std::size_t block_frames = 16384;

[[noreturn]] void fail(const std::string& text) { clients::fail("mixrender", text); }

// One input file: a mapped 16-bit stereo WAV is summed where it lies; anything else is read
// (and spread to stereo) into a block buffer.
struct input {
  std::string path;
  float gain = 1.0f;
  std::optional<audio_io::mapped_wav> mapped;
  std::unique_ptr<audio_io::sound_file_reader> reader;
  std::uint32_t rate = 0;
  std::uint64_t frames = 0;
  std::vector<std::int16_t> block;

  void open() {
    mapped = audio_io::mapped_wav::open(path);
    if (mapped && mapped->channels() == 2) {
      rate = mapped->rate();
      frames = mapped->frames();
      return;
    }
    mapped.reset();
    reader = std::make_unique<audio_io::sound_file_reader>(path);
    rate = reader->rate();
    frames = reader->frames();
    block.resize(block_frames * 2);
  }

  // Stereo samples for frames [at, at + count), or nullptr once the input has ended.
  const std::int16_t* samples(std::uint64_t at, std::size_t count) {
    if (at >= frames) return nullptr;
    if (mapped && at + count <= frames) return mapped->samples().data() + at * 2;
    std::size_t got = 0;
    if (mapped) {
      got = static_cast<std::size_t>(frames - at);
      block.assign(mapped->samples().begin() + static_cast<std::ptrdiff_t>(at * 2), mapped->samples().end());
      block.resize(count * 2);
    } else {
      got = reader->read(block.data(), count);
    }
    std::fill(block.begin() + static_cast<std::ptrdiff_t>(got * 2), block.end(), std::int16_t{0});
    return block.data();
  }
};

// IN[:GAIN_DB]; a colon followed by something that is not a number belongs to the path.
void parse_input(const std::string& arg, input& in) {
  in.path = arg;
  const auto colon = arg.rfind(':');
  if (colon == std::string::npos) return;
  const std::string gain = arg.substr(colon + 1);
  char* end = nullptr;
  const double db = gain == "-inf" ? -INFINITY : std::strtod(gain.c_str(), &end);
  if (gain != "-inf" && (gain.empty() || *end != '\0')) return;
  if (db > 24) fail("gain above +24 dB in '" + arg + "'");
  in.path = arg.substr(0, colon);
  in.gain = mixer::db_to_gain(db);
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_path;
  std::vector<std::unique_ptr<input>> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    clients::answer_help_or_version(a, "mixrender", usage);
    if (a == "--out" && i + 1 < argc) {
      out_path = argv[++i];
    } else if (a.starts_with("--")) {
      fail("unknown option " + a + " (try --help)");
    } else {
      inputs.push_back(std::make_unique<input>());
      parse_input(a, *inputs.back());
    }
  }
  if (out_path.empty() || inputs.empty()) fail("usage: mixrender --out OUT IN[:GAIN_DB] ... (try --help)");
  std::uint32_t rate = 0;
  std::uint64_t longest = 0;
  for (auto& in : inputs) {
    try {
      in->open();
    } catch (const std::runtime_error& e) {
      fail(e.what());
    }
    if (rate != 0 && in->rate != rate) {
      fail(in->path + ": " + std::to_string(in->rate) + " Hz, not " + std::to_string(rate) + " like the first input");
    }
    rate = in->rate;
    longest = std::max(longest, in->frames);
  }
  std::unique_ptr<audio_io::sound_file_writer> out;
  try {
    out = std::make_unique<audio_io::sound_file_writer>(out_path, rate);
  } catch (const std::runtime_error& e) {
    fail(e.what());
  }

  const mixer::kernel_set& k = mixer::kernels();
  std::vector<float> mix(block_frames * 2);
  std::vector<std::int16_t> pcm(block_frames * 2);
  std::vector<const std::int16_t*> sources;
  std::vector<float> gains;
  std::uint64_t clips = 0;
  const bool progress = ::isatty(2);
  const auto started = std::chrono::steady_clock::now();
  for (std::uint64_t done = 0; done < longest;) {
    const auto frames = static_cast<std::size_t>(std::min<std::uint64_t>(block_frames, longest - done));
    sources.clear();
    gains.clear();
    for (auto& in : inputs) {
      // The int16 to float conversion is fused into the kernel's sum.
      if (const std::int16_t* samples = in->samples(done, frames)) {
        sources.push_back(samples);
        gains.push_back(in->gain);
      }
    }
    std::fill(mix.begin(), mix.end(), 0.0f);
    k.mix_s16(mix.data(), sources.data(), gains.data(), sources.size(), frames * 2);
    clips += k.float_to_s16(mix.data(), pcm.data(), frames * 2);
    if (!out->write(pcm.data(), frames)) fail(out->error());
    done += frames;
    if (progress && (done / block_frames) % 16 == 0) {
      std::fprintf(stderr, "\rmixrender: %3d%%", static_cast<int>(100 * done / longest));
    }
  }
  out->close();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double audio = static_cast<double>(longest) / rate;
  std::fprintf(stderr, "%smixrender: %zu inputs, %.1f s of audio in %.2f s (%.0fx real time), %llu samples clipped, kernels %s\n",
               progress ? "\r" : "", inputs.size(), audio, seconds, audio / std::max(seconds, 1e-9),
               static_cast<unsigned long long>(clips), k.name);
  return 0;
}
