// pcm_pacer OUT [BYTES_PER_SECOND]: copies standard input to OUT no faster than a CD-rate sound card
// consumes it (176400 B/s by default; a fraction makes a card whose crystal is off), in 10 ms
// pieces on absolute deadlines. ALSA's file plugin pipes a test's "sound card" through it, so
// PortAudio clients see real-time back-pressure.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: pcm_pacer OUT [BYTES_PER_SECOND]\n");
    return 2;
  }
  std::FILE* out = std::fopen(argv[1], "wb");
  if (!out) return 1;
  const double rate = argc > 2 ? std::atof(argv[2]) : 176400.0;
  const std::size_t piece = 1764;
  std::vector<char> buffer(piece);
  const auto start = std::chrono::steady_clock::now();
  double copied = 0;
  for (;;) {
    std::size_t got = 0;
    while (got < piece) {
      const ssize_t n = ::read(0, buffer.data() + got, piece - got);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    if (got == 0) break;
    std::fwrite(buffer.data(), 1, got, out);
    std::fflush(out);
    copied += static_cast<double>(got);
    std::this_thread::sleep_until(start + std::chrono::nanoseconds(static_cast<long long>(copied / rate * 1e9)));
  }
  std::fclose(out);
  return 0;
}
