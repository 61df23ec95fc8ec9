#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mixer/channel.hpp"
#include "mixer/engine_config.hpp"
#include "mixer/gain_ramp.hpp"
#include "mixer/input_channel.hpp"
#include "mixer/mix_plan.hpp"

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
  std::shared_ptr<gain_ramp> gain = std::make_shared<gain_ramp>();  ///< the engine's live gain
};

/// A mix and its crosspoints, in the order they were routed.
struct mix_state {
  std::shared_ptr<channel> bus;
  bool on = true;
  double master_db = 0.0;
  std::vector<crosspoint> routes;
  std::shared_ptr<gain_ramp> master = std::make_shared<gain_ramp>();  ///< the engine's live master gain

  /// The crosspoint from `source`, or null.
  crosspoint* find(const std::string& source);
  /// The crosspoint from `source`, or null.
  const crosspoint* find(const std::string& source) const;
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
  /// Removes an input or a mix (as `kind` says) and every route from and to it.
  matrix_status remove(const std::string& name, channel_kind kind);
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
  /// carried until their gain reaches 0. Allocates.
  std::shared_ptr<const mix_plan> compile();
  /// True while unrouted crosspoints are carried in plans: compile again once they have faded.
  bool has_fades() const { return !fading_.empty(); }

 private:
  struct entry {
    std::shared_ptr<channel> ch;
    std::optional<mix_state> mix;
  };
  struct fading_route {
    const channel* mix;
    std::shared_ptr<channel> source;
    std::shared_ptr<gain_ramp> gain;
  };

  matrix_status check_new_name(const std::string& name) const;
  std::pair<mix_state*, matrix_status> lookup_mix(const std::string& name);
  std::pair<crosspoint*, matrix_status> lookup_crosspoint(const std::string& mix, const std::string& source);
  bool uses(const mix_state& mix, const channel* target) const;
  void order_mixes(const std::string& name, std::map<std::string, bool>& visited,
                   std::vector<const mix_state*>& order) const;

  engine_config config_;
  std::map<std::string, entry> channels_;
  std::vector<fading_route> fading_;
};

}  // namespace mixmatrix::mixer
