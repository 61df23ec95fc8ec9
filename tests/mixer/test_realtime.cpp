// The engine's real-time contract, checked: a counting allocation hook is armed on the engine
// thread around every process_block() while the control side changes routes, pans and ducks, adds
// and removes channels and mix-minuses, reads meters and copies blocks as listeners do. The wire
// format conversions, which run on every read and write of a network stream, are held to it too.

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <new>
#include <thread>
#include <vector>

#include "mixer/block_cursor.hpp"
#include "mixer/engine.hpp"
#include "mixer/frame_assembler.hpp"
#include "mixer/matrix.hpp"
#include "mixer/pcm_format.hpp"

namespace {
thread_local bool armed = false;
std::atomic<std::uint64_t> allocations_while_armed{0};

void* counted_allocation(std::size_t size) {
  if (armed) allocations_while_armed.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t size) { return counted_allocation(size); }
void* operator new[](std::size_t size) { return counted_allocation(size); }
// The nothrow forms too (std::stable_sort's temporary buffer uses them): every form is replaced, so
// memory from one is never freed by another's (ASan's alloc-dealloc-mismatch).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  if (armed) allocations_while_armed.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void operator delete(void* p) noexcept {
  if (armed && p) allocations_while_armed.fetch_add(1, std::memory_order_relaxed);
  std::free(p);
}
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { operator delete(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { operator delete(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { operator delete(p); }
// The aligned forms too: channels are over-aligned (their network counters have cache lines of
// their own), and one made on the engine thread must be counted like any other allocation.
void* operator new(std::size_t size, std::align_val_t align) {
  if (armed) allocations_while_armed.fetch_add(1, std::memory_order_relaxed);
  const auto a = static_cast<std::size_t>(align);
  if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a + (size == 0 ? a : 0))) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return operator new(size, align);
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  try {
    return operator new(size, align);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t& tag) noexcept {
  return operator new(size, align, tag);
}
void operator delete(void* p, std::align_val_t) noexcept {
  operator delete(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  operator delete(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  operator delete(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  operator delete(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  operator delete(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  operator delete(p);
}

using namespace mixmatrix::mixer;

TEST_CASE("the allocation hook counts what it should") {
  armed = true;
  auto* p = new std::vector<int>(100);
  delete p;
  armed = false;
  CHECK(allocations_while_armed.exchange(0) == 4);  // the vector, its storage, and their frees
  struct alignas(64) line {
    char bytes[64];
  };
  static line* volatile kept = nullptr;  // escapes: the compiler may not elide the pair
  armed = true;
  kept = new line;
  delete kept;
  armed = false;
  CHECK(allocations_while_armed.exchange(0) == 2);  // an over-aligned type's new and delete too
}

TEST_CASE("the engine allocates and frees nothing while the control side churns") {
  engine_config config;
  engine eng(config);
  matrix m(config);
  for (int i = 0; i < 8; ++i) {
    auto in = std::make_shared<input_channel>("T" + std::to_string(i), config, 200.0 + 100 * i, -20.0);
    REQUIRE_FALSE(m.add_input(in));
  }
  auto net = std::make_shared<input_channel>("NET", config, 20u);
  REQUIRE_FALSE(m.add_input(net));
  net->attach_sender("test");
  REQUIRE_FALSE(m.add_mix("SUB"));
  REQUIRE_FALSE(m.add_mix("MAIN"));
  m.route("MAIN", "SUB", -3);
  m.route("MAIN", "NET", 0);
  REQUIRE_FALSE(m.add_minus("NO_NET", "MAIN", "NET"));
  REQUIRE_FALSE(m.set_duck("MAIN", "NET", {-15, -40, 0, 20}));
  eng.plans().publish(m.compile());

  std::atomic<bool> done{false};
  std::atomic<std::uint64_t> ticks{0};
  std::thread engine_thread([&] {
    while (!done) {
      armed = true;
      eng.process_block();
      armed = false;
      ++ticks;
    }
  });
  std::vector<std::byte> block(config.block_samples() * 2);
  // Readers on the control side, so the engine publishes every channel while it is watched.
  std::map<std::string, std::pair<std::shared_ptr<channel>, std::unique_ptr<block_cursor>>> readers;
  std::vector<std::int16_t> pcm(config.block_samples(), 1000);
  std::vector<std::int16_t> quiet(config.block_samples(), 0);
  for (int round = 0; round < 400; ++round) {
    const std::string t = "T" + std::to_string(round % 8);
    m.route(round % 2 ? "MAIN" : "SUB", t, -static_cast<double>(round % 24));
    if (round % 3 == 0) m.set_muted(round % 2 ? "MAIN" : "SUB", t, true);
    if (round % 5 == 0) m.unroute("SUB", "T" + std::to_string((round + 3) % 8));
    if (round % 7 == 0) m.set_on("SUB", round % 14 == 0);
    if (round % 11 == 0) {
      m.add_mix("EXTRA");
      m.route("EXTRA", "NET", 0);
    }
    if (round % 11 == 5) m.remove("EXTRA", channel_kind::mix);
    m.set_pan(round % 2 ? "MAIN" : "SUB", t, (round % 9) * 25.0 - 100.0);
    if (round % 4 == 0) m.set_duck("SUB", "T" + std::to_string((round + 1) % 8), {-(round % 30) - 1.0, -60, 5, 30});
    if (round % 4 == 2) m.remove_duck("SUB", "T" + std::to_string((round + 7) % 8));
    if (round % 13 == 0) m.add_minus("NO_" + t, round % 2 ? "MAIN" : "SUB", t);
    if (round % 13 == 6) m.remove("NO_T" + std::to_string((round - 6) % 8), channel_kind::mix);
    if (round % 17 == 0) m.set_on("NO_NET", round % 34 == 0);
    net->ring().write(std::as_bytes(std::span(round % 20 < 10 ? pcm : quiet)));  // the duck's key talks, then not
    eng.plans().publish(m.compile());
    for (const auto& name : m.names()) {
      auto ch = m.find(name);
      ch->meter().read();
      auto& reader = readers[name];
      if (reader.first != ch) {
        reader.second.reset();
        reader = {ch, std::make_unique<block_cursor>(ch->output())};
      }
      while (reader.second->read(block)) {
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  done = true;
  engine_thread.join();
  MESSAGE(ticks.load() << " engine ticks during 400 plan changes");
  CHECK(ticks > 100);
  CHECK(allocations_while_armed == 0);
  const auto plan = m.compile();
  CHECK_FALSE(plan->minuses.empty());  // the churn did exercise mix-minuses, ducks and pans
  CHECK_FALSE(plan->ducks.empty());
}

TEST_CASE("wire format conversions allocate nothing after construction") {
  for (const auto e : {sample_encoding::s16, sample_encoding::s24, sample_encoding::s32, sample_encoding::f32}) {
    for (std::uint32_t channels : {1u, 2u}) {
      const pcm_format f{e, channels};
      frame_assembler assembler(f, 512);
      std::vector<std::int16_t> block(512, 1000);
      std::vector<std::byte> wire(256 * frame_bytes(f), std::byte{0x11});
      armed = true;
      for (std::size_t cut : {1u, 5u, 700u, 2000u}) {
        const auto space = assembler.space(512);
        assembler.commit(std::min(cut, space.size()));
      }
      encode_frames(f, block, wire);
      armed = false;
    }
  }
  CHECK(allocations_while_armed.exchange(0) == 0);
}
