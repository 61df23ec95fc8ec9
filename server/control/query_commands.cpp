// command_core's queries: what the scene holds, how it sounds, how the engine runs. Read only.
#include "mixer/kernels.hpp"
#include "server/control/command_core.hpp"
#include "server/control/reports.hpp"
#include "server/process_limits.hpp"

namespace mixmatrix::server {
namespace {
using protocol::code;
namespace cmd = protocol::cmd;

command_result lines(std::vector<std::string> data) {
  auto r = command_result::done();
  r.data = std::move(data);
  return r;
}

command_result no_channel(const std::string& name) {
  return command_result::failed({code::not_found, "no such channel " + name});
}
}  // namespace

channel_report command_core::report_of(const std::string& name, bool detailed) const {
  const mixer::mix_state* mix = matrix_.find_mix(name);
  std::string words;
  for (const channel_service* t : services_.transports()) words += t->line_words(name, detailed);
  return {matrix_.find(name),
          mix,
          mix && mix->minus ? matrix_.find_mix(mix->minus->mix->name()) : nullptr,
          matrix_.find_input(name),
          services_.ports.port_of(name),
          std::move(words),
          services_.audio.recording(name),
          services_.audio.playback(name),
          services_.audio.file(name)};
}

std::vector<channel_report> command_core::reports() const {
  std::vector<channel_report> all;
  for (const std::string& name : matrix_.names()) all.push_back(report_of(name, false));
  return all;
}

command_result command_core::run(const cmd::help& c) const {
  auto found = help_lines(c.topic);
  if (found.empty()) return command_result::failed({code::not_found, "no command " + c.topic + " (type help)"});
  return lines(std::move(found));
}

command_result command_core::run(const cmd::list&) const {
  std::vector<std::string> data;
  for (const std::string& name : matrix_.names()) {
    for (auto& line : describe_channel(report_of(name, false), false, options_.engine))
      data.push_back(std::move(line));
  }
  return lines(std::move(data));
}

command_result command_core::run(const cmd::show& c) const {
  if (!matrix_.find(c.name)) return no_channel(c.name);
  return lines(describe_channel(report_of(c.name, true), true, options_.engine));
}

command_result command_core::run(const cmd::kamaelia_query& c) const {
  const mixer::mix_state* mix = matrix_.find_mix(c.mix);
  if (!mix) return command_result::failed({code::not_found, "no such mix " + c.mix});
  if (c.source && !matrix_.find(*c.source)) return no_channel(*c.source);
  return lines({query_line(*mix, c.source)});
}

std::vector<channel_meters> command_core::meters() const {
  std::vector<channel_meters> readings;
  for (const std::string& name : matrix_.names()) readings.push_back(read_meter(*matrix_.find(name)));
  return readings;
}

command_result command_core::run(const cmd::meters& c) const {
  const std::vector<std::string> names = c.names.empty() ? matrix_.names() : c.names;
  std::vector<std::string> data;
  for (const std::string& name : names) {
    const auto ch = matrix_.find(name);
    if (!ch) return no_channel(name);
    data.push_back(meter_text(read_meter(*ch)));
  }
  return lines(std::move(data));
}

command_result command_core::run(const cmd::stats&) const {
  const auto descriptors = count_descriptors();
  const engine_report engine{
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_),
      engine_.blocks(),
      clock_.late_ticks(),
      clock_.load_permille(),
      mixer::kernels().name,
      matrix_.size(),
      descriptors.open,
      descriptors.limit};
  std::vector<std::string> data{engine_stats_line(engine, options_.engine)};
  for (const std::string& name : matrix_.names()) data.push_back(channel_stats_line(*matrix_.find(name)));
  return lines(std::move(data));
}

command_result command_core::run(const cmd::graph&) const {
  const auto all = reports();
  return lines(graph_lines(all));
}

command_result command_core::run(const cmd::sources&) const {
  return lines(services_.sap.source_lines());
}

command_result command_core::run(const cmd::sdp& c) const {
  if (!matrix_.find(c.name)) return no_channel(c.name);
  const auto description = services_.rtp.sdp_of(c.name);
  if (!description) return command_result::failed({code::not_found, c.name + " is not sent as RTP (mix add NAME rtp ADDR:PORT)"});
  return lines(protocol::sdp_lines(*description));
}

}  // namespace mixmatrix::server
