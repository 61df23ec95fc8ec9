#include "protocol/help.hpp"

#include <array>

namespace mixmatrix::protocol {
namespace {
constexpr std::array<command_help, 38> table{{
    {"help [COMMAND]", "the command list, or one command's syntax"},
    {"list", "one line per channel (inputs and mixes)"},
    {"show NAME", "one channel in detail; for a mix, one line per crosspoint"},
    {"input add NAME [port PORT] [latency MS]", "a network input, fed by SEND or on its own raw PCM port"},
    {"input add NAME tone HZ [DBFS]", "a sine generator input (default -12 dBFS)"},
    {"input add NAME file PATH [loop]", "plays a sound file (any format libsndfile reads, at the server's rate) as an input"},
    {"input remove NAME", "removes an input and every route from it"},
    {"mix add NAME [port PORT]", "a mix, on; with port, served raw to every connection on PORT"},
    {"mix remove NAME", "removes a mix, its routes, and disconnects its listeners"},
    {"mix on NAME", "switches a mix on"},
    {"mix off NAME", "switches a mix off: its listeners get digital silence"},
    {"route MIX SOURCE [GAIN_DB]", "adds or updates a crosspoint (default 0 dB); SOURCE may be a mix"},
    {"unroute MIX SOURCE", "removes a crosspoint"},
    {"gain MIX SOURCE DB", "sets a crosspoint gain (-inf allowed, at most +24)"},
    {"gain MIX DB", "sets the master gain of a mix"},
    {"mute MIX SOURCE", "switches a crosspoint off, keeping its gain"},
    {"unmute MIX SOURCE", "switches a crosspoint on"},
    {"SWITCH MIX SOURCE|ALL ON|OFF|ONLY", "Kamaelia: unmute, mute or solo crosspoints"},
    {"QUERY MIX SOURCE|ALL", "Kamaelia: ON or OFF per crosspoint, in route order"},
    {"meters [NAME ...]", "peak and RMS per channel in dBFS over the last 100 ms, and clips since start"},
    {"stats", "uptime, engine ticks, late ticks, load, and per-channel counters"},
    {"watch [meters]", "events as '* ' lines: changes by any client, inputs live or idle, listeners; meters 10 a second"},
    {"unwatch", "stops events on this connection"},
    {"record MIX PATH", "records a mix (or an input) to a sound file, format from the extension"},
    {"play MIX [DEVICE]", "plays a mix (or an input) on the server's sound device (default: the default device)"},
    {"devices", "lists the server's sound output devices: INDEX NAME (API)"},
    {"stop MIX", "stops its recording (the file is complete and valid) and its playback"},
    {"save [PATH]", "writes the scene as control commands, atomically (default: the --state file)"},
    {"load PATH", "runs the control commands in PATH, stopping at the first that fails"},
    {"begin", "starts a salvo: route, unroute, gain, mute, mix on/off and SWITCH are checked and queued"},
    {"commit", "applies the salvo at one block boundary, all or nothing"},
    {"abort", "drops the salvo"},
    {"auth PASSWORD", "authenticates this connection when the server has a password"},
    {"ping", "replies OK pong"},
    {"quit", "replies OK bye and closes the connection"},
    {"stream: SEND NAME [s16le RATE 2]", "on the stream port: feed input NAME with raw PCM"},
    {"stream: LISTEN NAME", "on the stream port: receive channel NAME as raw PCM"},
    {"stream: AUTH PASSWORD", "on the stream port, the first line when the server has a password"},
}};
}  // namespace

std::span<const command_help> help_table() { return table; }

}  // namespace mixmatrix::protocol
