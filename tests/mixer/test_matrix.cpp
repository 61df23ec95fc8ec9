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
  CHECK(first->routes[0].target[0] == 1.0f);
  CHECK(first->routes[0].target[1] == 1.0f);
  CHECK(first->mixes[0].master_target == 1.0f);
  m.set_gain("MIX", "IN", -6.0206);
  m.set_on("MIX", false);
  auto second = m.compile();
  CHECK(second->routes[0].gain == first->routes[0].gain);  // the same live gain, so the ramp carries on
  CHECK(second->routes[0].target[0] == doctest::Approx(0.5));
  CHECK(second->mixes[0].master_target == 0.0f);  // off: ramps down, then costs nothing
  m.set_muted("MIX", "IN", true);
  CHECK(m.compile()->routes[0].target[0] == 0.0f);
}

TEST_CASE("an unrouted crosspoint is carried at target 0 until it has faded") {
  matrix m(engine_config{});
  m.add_input(network("IN"));
  m.add_mix("MIX");
  m.route("MIX", "IN", 0);
  auto routed = m.compile();
  stereo_ramp* live = routed->routes[0].gain;
  live->advance(1.0f, 1.0f, 256, 10);  // the engine has made it audible
  m.unroute("MIX", "IN");
  CHECK(m.has_fades());
  auto fading = m.compile();
  REQUIRE(fading->routes.size() == 1);
  CHECK(fading->routes[0].gain == live);
  CHECK(fading->routes[0].target[0] == 0.0f);
  live->advance(0.0f, 0.0f, 256, 10);  // the engine has faded it out
  CHECK(m.compile()->routes.empty());
  CHECK_FALSE(m.has_fades());
}

TEST_CASE("routing again during a fade continues from the live gain") {
  matrix m(engine_config{});
  m.add_input(network("IN"));
  m.add_mix("MIX");
  m.route("MIX", "IN", 0);
  stereo_ramp* live = m.compile()->routes[0].gain;
  live->advance(1.0f, 1.0f, 256, 10);
  m.unroute("MIX", "IN");
  m.route("MIX", "IN", 0);
  CHECK_FALSE(m.has_fades());
  CHECK(m.compile()->routes[0].gain == live);
}

TEST_CASE("a mix-minus is taken from an ordinary mix, without another channel, and has no crosspoints") {
  matrix m(engine_config{});
  m.add_input(network("A"));
  m.add_mix("MAIN");
  CHECK(error_of(m.add_minus("X", "NOPE", "A")) == matrix_error::kind::not_found);
  CHECK(error_of(m.add_minus("X", "A", "A")) == matrix_error::kind::not_found);  // A is no mix
  CHECK(error_of(m.add_minus("X", "MAIN", "NOPE")) == matrix_error::kind::not_found);
  CHECK(error_of(m.add_minus("X", "MAIN", "MAIN")) == matrix_error::kind::conflict);
  CHECK(error_of(m.add_minus("MAIN", "MAIN", "A")) == matrix_error::kind::conflict);  // the name exists
  CHECK_FALSE(m.add_minus("NO_A", "MAIN", "A"));  // A need not be routed yet
  CHECK(error_of(m.add_minus("X", "NO_A", "A")) == matrix_error::kind::conflict);
  CHECK(error_of(m.route("NO_A", "A", 0)) == matrix_error::kind::conflict);
  CHECK(error_of(m.set_duck("NO_A", "A", {-15, -40, 20, 500})) == matrix_error::kind::conflict);
  CHECK(error_of(m.route("MAIN", "NO_A", 0)) == matrix_error::kind::conflict);  // a cycle
  CHECK_FALSE(m.set_on("NO_A", false));
  CHECK_FALSE(m.set_master("NO_A", -6));
  const auto* minus = m.find_mix("NO_A");
  REQUIRE(minus->minus);
  CHECK(minus->minus->mix->name() == "MAIN");
  CHECK(minus->minus->source->name() == "A");
}

TEST_CASE("compile puts a mix-minus in its mix's step, before every user of it, pointing at its source's route") {
  matrix m(engine_config{});
  m.add_input(network("A"));
  m.add_input(network("B"));
  m.add_mix("0_OUT");  // sorts first: compile must still order MAIN before it
  m.add_mix("MAIN");
  m.route("MAIN", "A", 0);
  m.route("MAIN", "B", 0);
  m.add_minus("0_NO_B", "MAIN", "B");
  m.route("0_OUT", "0_NO_B", 0);
  auto plan = m.compile();
  REQUIRE(plan->mixes.size() == 2);  // the mix-minus has no step of its own
  CHECK(plan->mixes[0].mix->name() == "MAIN");
  CHECK(plan->mixes[1].mix->name() == "0_OUT");
  REQUIRE(plan->mixes[0].minus_count == 1);
  const auto& minus = plan->minuses[plan->mixes[0].first_minus];
  CHECK(minus.mix->name() == "0_NO_B");
  REQUIRE(minus.route != no_route);
  CHECK(plan->routes[minus.route].source->name() == "B");
  CHECK(plan->channels.size() == 5);
}

TEST_CASE("removing a mix-minus's mix or source removes it, and what it is the source of") {
  matrix m(engine_config{});
  m.add_input(network("A"));
  m.add_input(network("B"));
  m.add_mix("MAIN");
  m.add_mix("OTHER");
  m.route("MAIN", "A", 0);
  m.add_minus("NO_A", "MAIN", "A");
  m.add_minus("NO_B", "MAIN", "B");
  m.route("OTHER", "NO_A", 0);
  m.add_minus("OTHER_NO_NO_A", "OTHER", "NO_A");
  CHECK(m.removed_with("A") == std::vector<std::string>{"A", "NO_A", "OTHER_NO_NO_A"});
  CHECK_FALSE(m.remove("A", channel_kind::input));
  CHECK(m.names() == std::vector<std::string>{"B", "MAIN", "NO_B", "OTHER"});
  CHECK(m.find_mix("OTHER")->routes.empty());
  CHECK_FALSE(m.remove("MAIN", channel_kind::mix));
  CHECK(m.names() == std::vector<std::string>{"B", "OTHER"});
}

TEST_CASE("unrouting a mix-minus's source keeps it: it follows the fade, then takes nothing out") {
  matrix m(engine_config{});
  m.add_input(network("A"));
  m.add_mix("MAIN");
  m.route("MAIN", "A", 0);
  m.add_minus("NO_A", "MAIN", "A");
  auto routed = m.compile();
  stereo_ramp* live = routed->routes[0].gain;
  live->advance(1.0f, 1.0f, 256, 10);
  m.unroute("MAIN", "A");
  auto fading = m.compile();
  REQUIRE(fading->minuses.size() == 1);
  CHECK(fading->routes[fading->minuses[0].route].gain == live);
  live->advance(0.0f, 0.0f, 256, 10);
  CHECK(m.compile()->minuses[0].route == no_route);
  CHECK(m.find_mix("NO_A"));
}

TEST_CASE("pan gives each channel its target, a route update keeps the pan, unroute forgets it") {
  matrix m(engine_config{});
  m.add_input(network("A"));
  m.add_mix("MIX");
  CHECK(error_of(m.set_pan("MIX", "A", 50)) == matrix_error::kind::not_found);
  m.route("MIX", "A", -6.0206);
  CHECK_FALSE(m.set_pan("MIX", "A", 50));
  m.route("MIX", "A", 0);
  auto plan = m.compile();
  CHECK(plan->routes[0].target[0] == doctest::Approx(std::cos(3.14159265358979 / 4)));
  CHECK(plan->routes[0].target[1] == 1.0f);
  m.unroute("MIX", "A");
  m.route("MIX", "A", 0);
  CHECK(m.find_mix("MIX")->routes[0].pan == 0.0);
}

TEST_CASE("ducks: keyed on any channel but the mix and its users, the key's crosspoint is left out") {
  matrix m(engine_config{});
  for (auto name : {"BED", "V1", "V2"}) m.add_input(network(name));
  m.add_mix("MIX");
  m.add_mix("USER");
  m.route("USER", "MIX", 0);
  const duck_params talk{-15, -40, 20, 500};
  CHECK(error_of(m.set_duck("NOPE", "V1", talk)) == matrix_error::kind::not_found);
  CHECK(error_of(m.set_duck("MIX", "NOPE", talk)) == matrix_error::kind::not_found);
  CHECK(error_of(m.set_duck("MIX", "MIX", talk)) == matrix_error::kind::conflict);
  CHECK(error_of(m.set_duck("MIX", "USER", talk)) == matrix_error::kind::conflict);
  CHECK(error_of(m.remove_duck("MIX", "V1")) == matrix_error::kind::not_found);
  m.route("MIX", "BED", 0);
  m.route("MIX", "V1", 0);
  m.route("MIX", "V2", 0);
  CHECK_FALSE(m.set_duck("MIX", "V1", talk));
  auto one = m.compile();
  auto envelope_of = [](const mix_plan& plan, const std::string& source) {
    for (const auto& r : plan.routes) {
      if (r.source->name() == source) return r.envelope;
    }
    FAIL("no route " << source);
    return 0u;
  };
  CHECK(envelope_of(*one, "V1") == 0);  // one duck: its key is not ducked at all
  CHECK(envelope_of(*one, "BED") == 1);
  CHECK(envelope_of(*one, "V2") == 1);
  CHECK(one->routes[0].source->name() == "V1");  // grouped by envelope, unducked first
  CHECK_FALSE(m.set_duck("MIX", "V2", talk));
  auto two = m.compile();
  CHECK(envelope_of(*two, "V1") == 2);  // every duck but the first
  CHECK(envelope_of(*two, "V2") == 3);
  CHECK(envelope_of(*two, "BED") == 1);
  CHECK_FALSE(m.set_duck("MIX", "V2", {-6, -30, 5, 100}));  // an update
  CHECK(m.find_mix("MIX")->ducks.size() == 2);
  CHECK(m.find_mix("MIX")->find_duck("V2")->params.depth_db == -6);
}

TEST_CASE("a removed duck is carried until it has released, removing its key releases it too") {
  matrix m(engine_config{});
  for (auto name : {"BED", "V"}) m.add_input(network(name));
  m.add_mix("MIX");
  m.route("MIX", "BED", 0);
  m.set_duck("MIX", "V", {-15, -40, 0, 0});
  duck_envelope* live = m.compile()->ducks[0].envelope;
  live->advance(1.0f, m.compile()->ducks[0].settings, 256);  // the key talks: ducked
  CHECK(live->current() < 1.0f);
  CHECK_FALSE(m.remove("V", channel_kind::input));
  CHECK(m.find_mix("MIX")->ducks.empty());
  CHECK(m.has_fades());
  auto releasing = m.compile();
  REQUIRE(releasing->ducks.size() == 1);
  CHECK(releasing->ducks[0].key == nullptr);
  CHECK(releasing->ducks[0].envelope == live);
  for (int b = 0; b < 4; ++b) live->advance(0.0f, releasing->ducks[0].settings, 256);  // hold, then release
  CHECK(live->current() == 1.0f);
  CHECK(m.compile()->ducks.empty());
  CHECK_FALSE(m.has_fades());
}
