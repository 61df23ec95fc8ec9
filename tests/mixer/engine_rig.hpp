#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "mixer/block_cursor.hpp"
#include "mixer/engine.hpp"
#include "mixer/matrix.hpp"

namespace mixmatrix::test {

using namespace mixmatrix::mixer;

/// An engine and its matrix driven by hand: each tick() is one block, no clock involved. Every
/// channel in a published plan has a reader, so the engine publishes its blocks.
struct rig {
  engine_config config;
  engine eng;
  matrix m;
  std::map<std::string, std::pair<std::shared_ptr<channel>, std::unique_ptr<block_cursor>>> readers;

  explicit rig(engine_config c = {}) : config(c), eng(c), m(c) {}

  void publish() {
    for (const auto& name : m.names()) {
      auto ch = m.find(name);
      auto& reader = readers[name];
      if (reader.first == ch) continue;
      reader.second.reset();
      reader = {ch, std::make_unique<block_cursor>(ch->output())};
    }
    eng.plans().publish(m.compile());
  }
  std::shared_ptr<input_channel> network(const std::string& name, std::uint32_t latency_ms = 1) {
    auto in = std::make_shared<input_channel>(name, config, latency_ms);
    REQUIRE_FALSE(m.add_input(in));
    in->attach_sender("test");
    return in;
  }
  std::shared_ptr<input_channel> tone(const std::string& name, double hz, double dbfs) {
    auto in = std::make_shared<input_channel>(name, config, hz, dbfs);
    REQUIRE_FALSE(m.add_input(in));
    return in;
  }
  // Network inputs A and B routed at unity into MIX, published, one silent block processed.
  std::pair<std::shared_ptr<input_channel>, std::shared_ptr<input_channel>> two_inputs_into_mix() {
    auto a = network("A");
    auto b = network("B");
    m.add_mix("MIX");
    m.route("MIX", "A", 0);
    m.route("MIX", "B", 0);
    publish();
    eng.process_block();
    return {a, b};
  }
  // The newest block of `name` as samples.
  std::vector<std::int16_t> last_block(const std::string& name) {
    auto ch = m.find(name);
    std::vector<std::int16_t> s(config.block_samples());
    REQUIRE(ch->output().copy(ch->output().published() - 1, std::as_writable_bytes(std::span(s))));
    return s;
  }
};

inline void feed(input_channel& in, const std::vector<std::int16_t>& pcm) {
  REQUIRE(in.ring().write(std::as_bytes(std::span(pcm))) == pcm.size() * 2);
}

inline std::vector<std::int16_t> constant(std::size_t samples, std::int16_t v) {
  return std::vector<std::int16_t>(samples, v);
}

}  // namespace mixmatrix::test
