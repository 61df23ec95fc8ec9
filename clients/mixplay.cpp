// mixplay: plays a mix (or an input) of mixmatrixd on the local sound device, or writes it out.
//   mixplay NAME [--out FILE | --raw] [--seconds S] [--device NAME|INDEX] [--list-devices]
//           [--server PORT|HOST[:PORT]] [--password P]

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "clients/command_line.hpp"
#include "clients/pcm_sink.hpp"
#include "clients/server_address.hpp"
#include "clients/stream_connection.hpp"

namespace {

using namespace mixmatrix::clients;

constexpr const char* usage = R"(usage: mixplay NAME [OPTIONS]
Receives channel NAME from mixmatrixd (LISTEN on the stream port, default 127.0.0.1:7701) and plays it.
  --out FILE           write a sound file instead (wav, flac, ogg, aiff, au, caf by extension)
  --raw                write raw s16le stereo PCM to standard output instead
  --seconds S          stop after S seconds of audio
  --device NAME|INDEX  the sound device (default: the system's default); --list-devices lists them
  --server PORT|HOST[:PORT], --password P (or MIXMATRIX_PASSWORD), --help, --version
)";

[[noreturn]] void fail(const std::string& text, int status = 2) { mixmatrix::clients::fail("mixplay", text, status); }

}  // namespace

int main(int argc, char** argv) {
  std::string name, out, device, server = "127.0.0.1";
  std::string password = std::getenv("MIXMATRIX_PASSWORD") ? std::getenv("MIXMATRIX_PASSWORD") : "";
  bool raw = false;
  double seconds = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail(a + " needs a value");
      return argv[++i];
    };
    answer_help_or_version(a, "mixplay", usage);
    if (a == "--list-devices") {
      const std::string devices = list_devices();
      if (devices.empty()) fail("no sound devices", 1);
      std::fputs(devices.c_str(), stdout);
      return 0;
    } else if (a == "--out") {
      out = value();
    } else if (a == "--raw") {
      raw = true;
    } else if (a == "--seconds") {
      const std::string v = value();
      char* end = nullptr;
      seconds = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || seconds <= 0) fail("--seconds takes a positive number, not '" + v + "'");
    } else if (a == "--device") {
      device = value();
    } else if (a == "--server") {
      server = value();
    } else if (a == "--password") {
      password = value();
    } else if (a.starts_with("--") || !name.empty()) {
      fail("unexpected argument " + a + " (try --help)");
    } else {
      name = a;
    }
  }
  if (name.empty()) fail("usage: mixplay NAME [--out FILE | --raw] (try --help)");
  if (raw && !out.empty()) fail("--out and --raw exclude each other");
  const auto address = parse_server_address(server, 7701);
  if (!address) fail("--server takes PORT, HOST or HOST:PORT, not '" + server + "'");
  try {
    stream_connection connection(*address, password, "LISTEN " + name);
    std::uint32_t rate = 0;
    if (std::sscanf(connection.reply().c_str(), "OK s16le %u 2", &rate) != 1) fail("unexpected reply: " + connection.reply(), 1);
    std::unique_ptr<pcm_sink> sink = raw ? open_stdout_sink() : !out.empty() ? open_file_sink(out, rate)
                                                                             : open_device_sink(device, rate);
    const std::uint64_t limit = seconds > 0 ? static_cast<std::uint64_t>(seconds * rate) : UINT64_MAX;
    std::vector<char> buffer(64 * 1024);
    std::size_t pending = 0;  // bytes of a frame cut by TCP, kept for the next read
    std::uint64_t frames = 0;
    while (frames < limit) {
      const std::size_t n = connection.receive(buffer.data() + pending, buffer.size() - pending);
      if (n == 0) break;
      pending += n;
      std::size_t whole = pending / 4;
      if (frames + whole > limit) whole = static_cast<std::size_t>(limit - frames);
      sink->write(reinterpret_cast<const std::int16_t*>(buffer.data()), whole);
      frames += whole;
      pending -= whole * 4;
      std::copy(buffer.begin() + static_cast<std::ptrdiff_t>(whole * 4),
                buffer.begin() + static_cast<std::ptrdiff_t>(whole * 4 + pending), buffer.begin());
    }
    if (const std::string summary = sink->finish(); !summary.empty()) std::fprintf(stderr, "%s\n", summary.c_str());
    return 0;
  } catch (const std::runtime_error& e) {
    fail(e.what(), 1);
  }
}
