#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "mixer/matrix.hpp"

using namespace mixmatrix::mixer;

namespace {
std::shared_ptr<input_channel> network(const std::string& name) {
  return std::make_shared<input_channel>(name, engine_config{}, 20u);
}

matrix_error::kind error_of(const matrix_status& s) {
  REQUIRE(s);
  return s->what;
}
}  // namespace

TEST_CASE("inputs and mixes share one namespace") {
  matrix m(engine_config{});
  CHECK_FALSE(m.add_input(network("A")));
  CHECK(error_of(m.add_mix("A")) == matrix_error::kind::conflict);
  CHECK(error_of(m.add_input(network("A"))) == matrix_error::kind::conflict);
  CHECK_FALSE(m.add_mix("B"));
  CHECK(m.names() == std::vector<std::string>{"A", "B"});
  CHECK(error_of(m.remove("A", channel_kind::mix)) == matrix_error::kind::not_found);
  CHECK(error_of(m.remove("B", channel_kind::input)) == matrix_error::kind::not_found);
}

TEST_CASE("the channel limit is enforced") {
  engine_config config;
  config.max_channels = 2;
  matrix m(config);
  CHECK_FALSE(m.add_mix("A"));
  CHECK_FALSE(m.add_mix("B"));
  CHECK(error_of(m.add_mix("C")) == matrix_error::kind::limit);
}

TEST_CASE("routes: add, update, unroute, and 404s") {
  matrix m(engine_config{});
  m.add_input(network("DJ1"));
  m.add_mix("MIX");
  CHECK(error_of(m.route("NOPE", "DJ1", 0)) == matrix_error::kind::not_found);
  CHECK(error_of(m.route("DJ1", "MIX", 0)) == matrix_error::kind::not_found);  // DJ1 is not a mix
  CHECK(error_of(m.route("MIX", "NOPE", 0)) == matrix_error::kind::not_found);
  CHECK_FALSE(m.route("MIX", "DJ1", -6));
  CHECK_FALSE(m.set_muted("MIX", "DJ1", true));
  CHECK_FALSE(m.route("MIX", "DJ1", -3));  // an update, which also unmutes
  const auto* mix = m.find_mix("MIX");
  REQUIRE(mix->routes.size() == 1);
  CHECK(mix->routes[0].gain_db == -3);
  CHECK_FALSE(mix->routes[0].muted);
  CHECK_FALSE(m.unroute("MIX", "DJ1"));
  CHECK(error_of(m.unroute("MIX", "DJ1")) == matrix_error::kind::not_found);
}

TEST_CASE("a route that would make a cycle is a conflict") {
  matrix m(engine_config{});
  for (auto name : {"A", "B", "C"}) m.add_mix(name);
  CHECK(error_of(m.route("A", "A", 0)) == matrix_error::kind::conflict);
  CHECK_FALSE(m.route("A", "B", 0));
  CHECK_FALSE(m.route("B", "C", 0));
  CHECK(error_of(m.route("B", "A", 0)) == matrix_error::kind::conflict);
  CHECK(error_of(m.route("C", "A", 0)) == matrix_error::kind::conflict);
  CHECK_FALSE(m.route("A", "C", 0));  // a diamond is not a cycle
}

TEST_CASE("removing a channel removes every route from and to it") {
  matrix m(engine_config{});
  m.add_input(network("DJ1"));
  m.add_mix("SUB");
  m.add_mix("MAIN");
  m.route("SUB", "DJ1", 0);
  m.route("MAIN", "DJ1", 0);
  m.route("MAIN", "SUB", 0);
  CHECK_FALSE(m.remove("DJ1", channel_kind::input));
  CHECK(m.find_mix("SUB")->routes.empty());
  CHECK(m.find_mix("MAIN")->routes.size() == 1);
  CHECK_FALSE(m.remove("SUB", channel_kind::mix));
  CHECK(m.find_mix("MAIN")->routes.empty());
}

TEST_CASE("compile orders mixes so every submix comes before its users") {
  matrix m(engine_config{});
  m.add_input(network("IN"));
  for (auto name : {"A", "B", "C", "D"}) m.add_mix(name);
  m.route("A", "B", 0);  // A uses B uses C; D uses A and C
  m.route("B", "C", 0);
  m.route("C", "IN", 0);
  m.route("D", "A", 0);
  m.route("D", "C", 0);
  auto plan = m.compile();
  REQUIRE(plan->mixes.size() == 4);
  REQUIRE(plan->inputs.size() == 1);
  auto position = [&](const std::string& name) {
    return std::find_if(plan->mixes.begin(), plan->mixes.end(), [&](const mix_step& s) { return s.mix->name() == name; }) -
           plan->mixes.begin();
  };
  CHECK(position("C") < position("B"));
  CHECK(position("B") < position("A"));
  CHECK(position("A") < position("D"));
  CHECK(plan->channels.size() == 5);
}

TEST_CASE("compile gives targets, and each crosspoint keeps its ramp across plans") {
  matrix m(engine_config{});
  m.add_input(network("IN"));
  m.add_mix("MIX");
  m.route("MIX", "IN", 0);
  auto first = m.compile();
  CHECK(first->routes[0].target == 1.0f);
  CHECK(first->mixes[0].master_target == 1.0f);
  m.set_gain("MIX", "IN", -6.0206);
  m.set_on("MIX", false);
  auto second = m.compile();
  CHECK(second->routes[0].gain == first->routes[0].gain);  // the same live gain, so the ramp carries on
  CHECK(second->routes[0].target == doctest::Approx(0.5));
  CHECK(second->mixes[0].master_target == 0.0f);  // off: ramps down, then costs nothing
  m.set_muted("MIX", "IN", true);
  CHECK(m.compile()->routes[0].target == 0.0f);
}

TEST_CASE("an unrouted crosspoint is carried at target 0 until it has faded") {
  matrix m(engine_config{});
  m.add_input(network("IN"));
  m.add_mix("MIX");
  m.route("MIX", "IN", 0);
  auto routed = m.compile();
  gain_ramp* live = routed->routes[0].gain;
  live->advance(1.0f, 256, 10);  // the engine has made it audible
  m.unroute("MIX", "IN");
  CHECK(m.has_fades());
  auto fading = m.compile();
  REQUIRE(fading->routes.size() == 1);
  CHECK(fading->routes[0].gain == live);
  CHECK(fading->routes[0].target == 0.0f);
  live->advance(0.0f, 256, 10);  // the engine has faded it out
  CHECK(m.compile()->routes.empty());
  CHECK_FALSE(m.has_fades());
}

TEST_CASE("routing again during a fade continues from the live gain") {
  matrix m(engine_config{});
  m.add_input(network("IN"));
  m.add_mix("MIX");
  m.route("MIX", "IN", 0);
  gain_ramp* live = m.compile()->routes[0].gain;
  live->advance(1.0f, 256, 10);
  m.unroute("MIX", "IN");
  m.route("MIX", "IN", 0);
  CHECK_FALSE(m.has_fades());
  CHECK(m.compile()->routes[0].gain == live);
}
