// The state file on a disk that fills up: changes still apply and say they were not saved, the old
// file stays whole, and the next write after space returns catches up. A real filesystem (a 64 KiB
// tmpfs the test mounts; CI runs as root) so ENOSPC comes from the kernel, not from a fake.

#include <doctest/doctest.h>

#include <unistd.h>

#include <thread>

#include "tests/support/child_process.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

namespace {
// A tiny filesystem mounted for the test and unmounted after it, whatever happens.
struct tiny_disk {
  std::string path = temp_dir() + "/disk";
  tiny_disk() {
    REQUIRE_MESSAGE(::geteuid() == 0, "mounting a tmpfs needs root");
    REQUIRE(run_shell("mkdir -p " + path + " && mount -t tmpfs -o size=64k tmpfs " + path) == 0);
  }
  ~tiny_disk() { run_shell("umount -l " + path); }
  void fill() { run_shell("dd if=/dev/zero of=" + path + "/filler bs=4k 2>/dev/null"); }
  void free() { REQUIRE(run_shell("rm -f " + path + "/filler") == 0); }
};
}  // namespace

TEST_CASE("a full disk: the change applies, OK not saved, the old file stays whole, recovery after space returns") {
  tiny_disk disk;
  const std::string state = disk.path + "/scene.mix";
  test_server server({"--state", state});
  REQUIRE(server.command("input add T tone 440").ok());
  REQUIRE(server.command("mix add M").ok());
  REQUIRE(server.command("route M T -6").status == "OK");
  const std::string before = read_file(state);
  REQUIRE(before.find("route M T -6.00\n") != std::string::npos);

  disk.fill();
  const auto full = server.command("gain M T -12");
  CHECK(full.status.starts_with("OK not saved: "));
  CHECK(full.status.find("No space left on device") != std::string::npos);
  CHECK(server.command("show M").data.at(1) == "route T gain=-12.00 muted=no");  // applied all the same
  CHECK(read_file(state) == before);
  CHECK(server.log().find("state file not updated") != std::string::npos);
  CHECK(run_shell("ls " + disk.path + " | grep -q tmp") != 0);  // no temporary file left behind

  disk.free();
  CHECK(server.command("mute M T").status == "OK");
  const std::string after = read_file(state);
  CHECK(after.find("route M T -12.00\nmute M T\n") != std::string::npos);
}

TEST_CASE("a recording on a disk that fills up stops with a log line and a valid file") {
  REQUIRE(have_program("sox"));
  tiny_disk disk;
  test_server server;
  server.command("input add T tone 1000 -6");
  server.command("mix add M");
  server.command("route M T");
  REQUIRE(server.command("record M " + disk.path + "/take.wav").ok());
  std::this_thread::sleep_for(1s);  // 64 KiB hold about 0.37 s
  const auto shown = server.command("show M");
  REQUIRE(shown.data.size() >= 2);
  CHECK(shown.data.back().starts_with("recording " + disk.path + "/take.wav"));
  CHECK(shown.data.back().ends_with(" failed=yes"));
  CHECK(server.log().find("recording M stopped: ") != std::string::npos);
  CHECK(server.command("stop M").ok());
  const std::string take = disk.path + "/take.wav";
  CHECK(run_shell("sox " + take + " -n") == 0);                          // a valid file ...
  CHECK(run_shell("test \"$(soxi -s " + take + ")\" -gt 4410") == 0);  // ... with what fit on the disk
  CHECK(server.command("ping").status == "OK pong");
}
