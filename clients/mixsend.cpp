// mixsend: streams a sound file, a test tone or raw PCM from stdin to an input of mixmatrixd.
//   mixsend NAME [FILE | --tone HZ | -] [--server PORT|HOST[:PORT]] [--password P] [--level DBFS]
//           [--rate HZ] [--fast] [--loop] [--once]

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "clients/command_line.hpp"
#include "clients/pcm_source.hpp"
#include "clients/server_address.hpp"
#include "clients/stream_connection.hpp"

namespace {

using namespace mixmatrix::clients;
using clock_type = std::chrono::steady_clock;

constexpr const char* usage = R"(usage: mixsend NAME [FILE | --tone HZ | -] [OPTIONS]
Streams audio to input NAME of mixmatrixd (the stream port, default 127.0.0.1:7701), paced in real time.
  FILE               any format libsndfile reads; mono is sent on both channels
  --tone HZ          a sine (with --level DBFS, default -12)
  -                  raw s16le stereo PCM from standard input (with --rate HZ, default 44100)
  --fast             as fast as the server takes it (TCP paces it) instead of real time
  --loop             start the file again at its end
  --once             exit when the server goes away instead of reconnecting
  --server PORT|HOST[:PORT], --password P (or MIXMATRIX_PASSWORD), --help, --version
)";

struct options {
  std::string name;
  std::string file;
  double tone_hz = 0;
  double level = -12;
  std::uint32_t rate = 44100;
  bool fast = false;
  bool loop = false;
  bool once = false;
  std::string server = "127.0.0.1";
  std::string password;
};

[[noreturn]] void fail(const std::string& text) { mixmatrix::clients::fail("mixsend", text); }

double number(const std::string& text, const char* what) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  fail(std::string(what) + " takes a number, not '" + text + "'");
}

options parse(int argc, char** argv) {
  options o;
  if (const char* p = std::getenv("MIXMATRIX_PASSWORD")) o.password = p;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail(a + " needs a value");
      return argv[++i];
    };
    answer_help_or_version(a, "mixsend", usage);
    if (a == "--tone") {
      o.tone_hz = number(value(), "--tone");
    } else if (a == "--level") {
      o.level = number(value(), "--level");
    } else if (a == "--rate") {
      o.rate = static_cast<std::uint32_t>(number(value(), "--rate"));
    } else if (a == "--server") {
      o.server = value();
    } else if (a == "--password") {
      o.password = value();
    } else if (a == "--fast" || a == "--loop" || a == "--once") {
      (a == "--fast" ? o.fast : a == "--loop" ? o.loop : o.once) = true;
    } else if (a.starts_with("--")) {
      fail("unknown option " + a + " (try --help)");
    } else {
      positional.push_back(a);
    }
  }
  if (positional.empty() || positional.size() > 2) fail("usage: mixsend NAME [FILE | --tone HZ | -] (try --help)");
  o.name = positional[0];
  if (positional.size() == 2) o.file = positional[1];
  if (o.file.empty() && o.tone_hz <= 0) fail("give a FILE, --tone HZ or - for standard input");
  if (!o.file.empty() && o.tone_hz > 0) fail("give a FILE or --tone, not both");
  return o;
}

std::unique_ptr<pcm_source> open_source(const options& o) {
  if (o.tone_hz > 0) return make_tone(o.tone_hz, o.level, o.rate);
  if (o.file == "-") return open_stdin(o.rate);
  return open_sound_file(o.file);
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  const auto address = parse_server_address(o.server, 7701);
  if (!address) fail("--server takes PORT, HOST or HOST:PORT, not '" + o.server + "'");
  std::unique_ptr<pcm_source> source;
  try {
    source = open_source(o);
  } catch (const std::runtime_error& e) {
    fail(e.what());
  }
  const std::string handshake = "SEND " + o.name + " s16le " + std::to_string(source->rate()) + " 2";
  const bool progress = ::isatty(2) && source->length();
  const std::size_t chunk = source->rate() / 100;  // 10 ms
  std::vector<std::int16_t> pcm(chunk * 2);
  std::uint64_t sent = 0;
  auto backoff = std::chrono::milliseconds(250);
  for (;;) {
    std::unique_ptr<stream_connection> connection;
    try {
      connection = std::make_unique<stream_connection>(*address, o.password, handshake);
    } catch (const std::runtime_error& e) {
      const std::string why = e.what();
      // The server's refusals (busy, bad format, wrong password) will not change by retrying.
      if (o.once || why.starts_with("ERR")) {
        std::fprintf(stderr, "mixsend: %s\n", why.c_str());
        return 1;
      }
      std::fprintf(stderr, "mixsend: %s; retrying in %lld ms\n", why.c_str(), static_cast<long long>(backoff.count()));
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
      continue;
    }
    backoff = std::chrono::milliseconds(250);
    auto deadline = clock_type::now();
    auto shown = clock_type::now();
    for (;;) {
      std::size_t frames = source->read(pcm.data(), chunk);
      if (frames == 0) {
        if (o.loop && source->rewind()) continue;
        if (progress) std::fputc('\n', stderr);
        return 0;
      }
      if (!connection->send(pcm.data(), frames * 4)) break;
      sent += frames;
      if (progress && clock_type::now() - shown > std::chrono::milliseconds(250)) {
        shown = clock_type::now();
        std::fprintf(stderr, "\rmixsend: %s %.1f / %.1f s", o.name.c_str(), static_cast<double>(sent) / source->rate(),
                     static_cast<double>(*source->length()) / source->rate());
      }
      if (!o.fast) {
        deadline += std::chrono::microseconds(frames * 1000000 / source->rate());
        std::this_thread::sleep_until(deadline);
      }
    }
    if (o.once) {
      std::fprintf(stderr, "mixsend: the server went away\n");
      return 1;
    }
    std::fprintf(stderr, "mixsend: the server went away; reconnecting\n");
  }
}
