#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mixer/channel.hpp"
#include "mixer/duck_envelope.hpp"
#include "mixer/engine_config.hpp"
#include "mixer/gain_ramp.hpp"
#include "mixer/input_channel.hpp"
#include "mixer/mix_plan.hpp"
#include "mixer/stereo_ramp.hpp"

namespace mixmatrix::mixer {

/// Why the matrix refused a change.
struct matrix_error {
  enum class kind { not_found, conflict, limit };
  kind what;
  std::string text;
};

/// A change that succeeded (nullopt) or the reason it did not.
using matrix_status = std::optional<matrix_error>;

/// One crosspoint of a mix.
struct crosspoint {
  std::shared_ptr<channel> source;
  double gain_db = 0.0;
  bool muted = false;
  double pan = 0.0;                                                      ///< -100 (left) to 100 (right)
  std::shared_ptr<stereo_ramp> gain = std::make_shared<stereo_ramp>();  ///< the engine's live gains
};

/// How a duck behaves: while its key is above `threshold_dbfs`, the mix's other crosspoints fall
/// by `depth_db` (at most 0) over `attack_ms`, and come back over `release_ms` after.
struct duck_params {
  double depth_db;
  double threshold_dbfs;
  std::uint32_t attack_ms;
  std::uint32_t release_ms;
};

/// One duck of a mix, keyed on `source`.
struct duck {
  std::shared_ptr<channel> source;
  duck_params params;
  std::shared_ptr<duck_envelope> envelope = std::make_shared<duck_envelope>();  ///< the engine's live state
};

/// What a mix-minus takes: `mix`'s sum without `source`'s crosspoint.
struct minus_source {
  std::shared_ptr<channel> mix;
  std::shared_ptr<channel> source;
};

/// A mix: its crosspoints in the order they were routed and its ducks; or a mix-minus (`minus`),
/// which has neither.
struct mix_state {
  std::shared_ptr<channel> bus;
  bool on = true;
  double master_db = 0.0;
  std::vector<crosspoint> routes{};
  std::shared_ptr<gain_ramp> master = std::make_shared<gain_ramp>();  ///< the engine's live master gain
  std::vector<duck> ducks{};
  std::optional<minus_source> minus{};

  /// The crosspoint from `source`, or null.
  crosspoint* find(const std::string& source);
  /// The crosspoint from `source`, or null.
  const crosspoint* find(const std::string& source) const;
  /// The duck keyed on `source`, or null.
  const duck* find_duck(const std::string& source) const;
};

/// The routing matrix as the control thread sees it: channels by name (inputs and mixes share
/// one namespace), mixes with their crosspoints. Every change is checked (names, kinds, cycles,
/// the channel limit); compile() turns the result into a plan for the engine. Control thread only.
class matrix {
 public:
  /// An empty matrix of at most config.max_channels channels.
  explicit matrix(engine_config config);

  /// The engine configuration channels are made for.
  const engine_config& config() const { return config_; }

  /// Adds an input built by the caller; its name must be free.
  matrix_status add_input(std::shared_ptr<input_channel> input);
  /// Adds a mix, on, at 0 dB, with no routes.
  matrix_status add_mix(const std::string& name);
  /// Adds a mix-minus, on, at 0 dB: `mix`'s sum (before its master) without `source`'s crosspoint.
  /// `mix` must be an ordinary mix; `source` any other channel, routed into it or not (yet).
  matrix_status add_minus(const std::string& name, const std::string& mix, const std::string& source);
  /// Removes an input or a mix (as `kind` says), every route from and to it, every mix-minus
  /// taken from or without it (see removed_with), and releases the ducks it keys.
  matrix_status remove(const std::string& name, channel_kind kind);
  /// What remove(name) removes: `name`, then every mix-minus that goes with it.
  std::vector<std::string> removed_with(const std::string& name) const;
  /// Switches a mix on or off.
  matrix_status set_on(const std::string& mix, bool on);
  /// Adds or updates the crosspoint `source` of `mix` (unmuted); a route making a cycle is a conflict.
  matrix_status route(const std::string& mix, const std::string& source, double gain_db);
  /// Removes a crosspoint.
  matrix_status unroute(const std::string& mix, const std::string& source);
  /// Sets a crosspoint's gain.
  matrix_status set_gain(const std::string& mix, const std::string& source, double gain_db);
  /// Sets a mix's master gain.
  matrix_status set_master(const std::string& mix, double gain_db);
  /// Mutes or unmutes a crosspoint.
  matrix_status set_muted(const std::string& mix, const std::string& source, bool muted);
  /// Pans a crosspoint, from -100 (left) to 100 (right).
  matrix_status set_pan(const std::string& mix, const std::string& source, double position);
  /// Adds or updates the duck of `mix` keyed on `source` (any channel but the mix and those that
  /// use it); an update carries on from the envelope's present gain.
  matrix_status set_duck(const std::string& mix, const std::string& source, const duck_params& params);
  /// Removes a duck; its envelope is carried in plans until it has released.
  matrix_status remove_duck(const std::string& mix, const std::string& source);

  /// The channel of that name, or null.
  std::shared_ptr<channel> find(const std::string& name) const;
  /// The input of that name, or null.
  std::shared_ptr<input_channel> find_input(const std::string& name) const;
  /// The mix of that name, or null.
  const mix_state* find_mix(const std::string& name) const;
  /// Every channel name, sorted.
  std::vector<std::string> names() const;
  /// How many channels there are.
  std::size_t size() const { return channels_.size(); }

  /// Compiles the matrix into a plan for the engine; unrouted crosspoints still fading out are
  /// carried until their gain reaches 0, removed ducks until they have released. Allocates.
  std::shared_ptr<const mix_plan> compile();
  /// True while unrouted crosspoints or removed ducks are carried in plans: compile again once
  /// they have faded.
  bool has_fades() const { return !fading_.empty() || !releasing_.empty(); }

 private:
  struct entry {
    std::shared_ptr<channel> ch;
    std::optional<mix_state> mix;
  };
  struct fading_route {
    const channel* mix;
    std::shared_ptr<channel> source;
    std::shared_ptr<stereo_ramp> gain;
  };
  struct releasing_duck {
    const channel* mix;
    duck d;
  };

  matrix_status check_new_name(const std::string& name) const;
  std::pair<mix_state*, matrix_status> lookup_mix(const std::string& name);
  std::pair<crosspoint*, matrix_status> lookup_crosspoint(const std::string& mix, const std::string& source);
  std::pair<mix_state*, matrix_status> lookup_mix_with_crosspoints(const std::string& name);
  bool uses(const mix_state& mix, const channel* target) const;
  bool depends_on(const channel& ch, const channel* target) const;
  void erase(const std::string& name);
  void order_mixes(const std::string& name, std::map<std::string, bool>& visited,
                   std::vector<const mix_state*>& order) const;
  void compile_mix(const mix_state& m, const std::vector<const mix_state*>& minuses, mix_plan& plan) const;

  engine_config config_;
  std::map<std::string, entry> channels_;
  std::vector<fading_route> fading_;
  std::vector<releasing_duck> releasing_;
};

}  // namespace mixmatrix::mixer
