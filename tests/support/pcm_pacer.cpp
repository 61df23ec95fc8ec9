// pcm_pacer OUT [BYTES_PER_SECOND]: copies standard input to OUT no faster than a CD-rate sound card
// consumes it (176400 B/s by default), in 10 ms pieces on absolute deadlines. ALSA's file plugin
// pipes a test's "sound card" through it, so PortAudio clients see real-time back-pressure.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: pcm_pacer OUT [BYTES_PER_SECOND]\n");
    return 2;
  }
  std::FILE* out = std::fopen(argv[1], "wb");
  if (!out) return 1;
  const long rate = argc > 2 ? std::atol(argv[2]) : 176400;
  const auto piece = static_cast<std::size_t>(rate / 100);
  std::vector<char> buffer(piece);
  auto deadline = std::chrono::steady_clock::now();
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
    deadline += std::chrono::milliseconds(10);
    std::this_thread::sleep_until(deadline);
  }
  std::fclose(out);
  return 0;
}
