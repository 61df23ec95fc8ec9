#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/command.hpp"

namespace mixmatrix::server {

class event_sink;

/// One queued salvo change: the line as typed (to name it in errors and events), the command, and
/// its place among the changes sent since `begin` (refused ones count too: it is the user's count).
struct salvo_change {
  std::string line;
  protocol::command command;
  std::size_t position = 0;
};

/// Whoever sends commands to the command core, as the core sees it: a front end's connection
/// (telnet, web) or a scene file being run. Owned by the sender; the core reads and changes it
/// only while execute() runs, never from a later completion.
struct client {
  /// A connection may authenticate, watch and hold a salvo; a scene file may not.
  enum class kind { connection, script };

  kind what = kind::connection;
  std::string origin;  ///< announced as "(by ORIGIN)": the peer's address
  bool authenticated = false;
  int depth = 0;  ///< how many `load`s deep this scene file runs (0 for connections)
  std::optional<std::vector<salvo_change>> salvo;  ///< after `begin`, until `commit` or `abort`
  std::size_t salvo_changes_sent = 0;              ///< since `begin`, queued or refused
  std::weak_ptr<event_sink> sink;                  ///< where events go after `watch` (the connection)
};

}  // namespace mixmatrix::server
