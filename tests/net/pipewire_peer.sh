#!/usr/bin/env bash
# PipeWire 0.3.65 (Debian 12) as the peer, in two network namespaces joined by a veth pair
# (created here, removed on any exit): host P runs a headless PipeWire of its own (no session
# manager, no dbus, no sound card: a dummy driver clocks its graph), host M a mixmatrixd with --sap
# on 224.0.0.56, PipeWire's SAP group. PipeWire's module-rtp-sink streams a 1 kHz tone that M finds
# by SAP, mixes, and a listener on M hears; M sends a 440 Hz mix as multicast RTP that PipeWire's
# module-rtp-source finds by SAP and plays into a recording on P: each tone at its level (-12
# dBFS) and frequency, without a dropout. Then each side's SAP deletion makes the other forget the
# session. Multicast stays inside the namespaces. Exit 77 (skipped) where PipeWire 0.3.60-0.3.67
# is not installed or namespaces cannot be made.
# usage: pipewire_peer.sh MIXMATRIXD MIXCTL
set -euo pipefail
mixmatrixd=$1
mixctl=$2

# 0.3.60 to 0.3.67 announce and hear SAP in module-rtp-sink/-source themselves (0.3.68 moved it
# to module-rtp-sap, which this configuration does not load).
if ! command -v pipewire >/dev/null || ! command -v pw-cat >/dev/null || ! command -v pw-link >/dev/null; then
  echo "skipped: PipeWire is not installed (apt-get install pipewire pipewire-bin)"
  exit 77
fi
version=$(pipewire --version | sed -n 's/^Compiled with libpipewire \([0-9.]*\)$/\1/p')
if [[ ! "$version" =~ ^0\.3\.6[0-7]$ ]]; then
  echo "skipped: PipeWire ${version:-of unknown version} is not 0.3.60-0.3.67, whose RTP modules do SAP themselves"
  exit 77
fi

p=mmP$$
m=mmM$$
work=$(mktemp -d /tmp/mixmatrix-pipewire.XXXXXX)
source "$(dirname "$0")/hosts.sh"

fail() {
  echo "FAILED: $*"
  for log in mixmatrixd pipewire pw-cat pw-link; do
    echo "--- $log:"
    cat "$work/$log.log" 2>/dev/null || true
  done
  exit 1
}

hosts_up "$p" "$m"
link_up "$p" "$m" 10.232.0

# PipeWire reads its configuration only from here (PIPEWIRE_CONFIG_DIR: no /etc, /usr/share or
# ~/.config drop-ins) and puts its socket here: nothing of the host's session is touched.
export PIPEWIRE_CONFIG_DIR=$work XDG_RUNTIME_DIR=$work PIPEWIRE_RUNTIME_DIR=$work
unset PIPEWIRE_REMOTE DBUS_SESSION_BUS_ADDRESS
# The clients' (pw-cat, pw-link): Debian's client.conf less module-rt, which would ask rtkit on dbus.
cat >"$work/client.conf" <<'EOF'
context.properties = { log.level = 2 }
context.spa-libs = { audio.convert.* = audioconvert/libspa-audioconvert support.* = support/libspa-support }
context.modules = [
  { name = libpipewire-module-protocol-native }
  { name = libpipewire-module-client-node }
  { name = libpipewire-module-adapter }
  { name = libpipewire-module-metadata }
]
EOF
cp "$work/client.conf" "$work/client-rt.conf"
# The daemon's: Debian's pipewire.conf less module-rt, -portal and -x11-bell and the device
# factories, at 48 kHz, plus the two RTP modules with PipeWire's defaults (L16 48000 2 in 6.67 ms
# packets to 224.0.0.56 on a random port 46000-47022, SAP on 224.0.0.56) but a session name. The
# graph runs 1024-frame cycles (21 ms): at the 320 the rtp-sink would ask, a pw-cat a cycle late
# on a loaded machine loses audio. Without a session manager nothing configures a stream's ports:
# adapter.auto-port-config gives each stream its FL/FR ports, for pw-link.
ports='adapter.auto-port-config = { mode = dsp monitor = false control = false position = preserve }'
cat >"$work/pipewire.conf" <<EOF
context.properties = {
  core.daemon = true
  core.name = pipewire-0
  default.clock.rate = 48000
  log.level = 2
}
context.spa-libs = { audio.convert.* = audioconvert/libspa-audioconvert support.* = support/libspa-support }
context.modules = [
  { name = libpipewire-module-protocol-native }
  { name = libpipewire-module-profiler }
  { name = libpipewire-module-metadata }
  { name = libpipewire-module-spa-node-factory }
  { name = libpipewire-module-client-node }
  { name = libpipewire-module-access args = { } }
  { name = libpipewire-module-adapter }
  { name = libpipewire-module-link-factory }
  { name = libpipewire-module-session-manager }
  { name = libpipewire-module-rtp-sink
    args = { sess.name = "pw-tone" audio.format = S16BE audio.rate = 48000 audio.position = [ FL FR ]
             stream.props = { node.name = rtp-sink node.latency = 1024/48000 $ports } } }
  { name = libpipewire-module-rtp-source
    args = { local.ifname = "v$p" stream.props = { $ports } } }
]
context.objects = [
  { factory = spa-node-factory
    args = { factory.name = support.node.driver node.name = Dummy-Driver node.group = pipewire.dummy
             priority.driver = 20000 } }
]
EOF

# A minute of a 1 kHz tone at -12 dBFS, 48 kHz stereo, for pw-cat to play.
python3 - "$work/tone.wav" <<'PY'
import math, struct, sys, wave
amp = 32767 * 10 ** (-12 / 20)
second = b''.join(struct.pack('<hh', v, v) for v in
                  (round(amp * math.sin(2 * math.pi * 1000 * i / 48000)) for i in range(48000)))
with wave.open(sys.argv[1], 'wb') as w:
    w.setnchannels(2); w.setsampwidth(2); w.setframerate(48000); w.writeframes(second * 60)
PY

# The tone's level (dBFS of its peak, from its RMS) and frequency on both channels of a recording
# (s16le, 48 kHz, stereo: a listener's stream past its OK line, or a WAV), from half a second after
# its first sound, with the quietest and loudest 50 ms: a dropout or a glitch shows there.
cat >"$work/tone.py" <<'PY'
import math, struct, sys, wave
path, who, hz_want, db_want = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
if path.endswith('.wav'):
    with wave.open(path) as w: data = w.readframes(w.getnframes())
else:
    data = open(path, 'rb').read()
    data = data[data.index(b'\n') + 1:]
frames = [struct.unpack_from('<hh', data, 4 * i) for i in range(len(data) // 4)]
start = next((i for i, f in enumerate(frames) if f != (0, 0)), len(frames)) + 24000
dbfs = lambda s: 20 * math.log10(math.sqrt(2 * sum(v * v for v in s) / len(s)) / 32768) if any(s) else -200
ok = len(frames) - start >= 72000
for ch in (0, 1):
    s = [f[ch] for f in frames[start:]] or [0]
    hz = sum(1 for i in range(1, len(s)) if (s[i - 1] < 0) != (s[i] < 0)) / 2 / (len(s) / 48000)
    windows = [dbfs(s[i:i + 2400]) for i in range(0, len(s) - 2399, 2400)] or [-200]
    print(f"{who}, channel {ch + 1}: {len(s) / 48000:.2f} s, {dbfs(s):.2f} dBFS at {hz:.1f} Hz "
          f"(50 ms windows {min(windows):.2f} to {max(windows):.2f} dBFS)")
    ok = ok and abs(dbfs(s) - db_want) < 0.5 and abs(hz - hz_want) < 10 and \
        all(abs(v - db_want) < 1 for v in windows)
sys.exit(0 if ok else 1)
PY

# (Background processes are started by ip netns exec itself, which execs them: $! is theirs.)
on() { ip netns exec "$m" "$mixctl" "$@"; }
pw() { ip netns exec "$p" "$@" 2>>"$work/pw-link.log"; }
# Waits up to $1 tenths of a second for the command after it to succeed.
within() {
  local n=$1
  shift
  for _ in $(seq "$n"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
not() { ! "$@"; }
# (grep without -q: it reads to the end, so no writer dies of SIGPIPE and fails the pipe.)
has_port() { pw pw-link "$1" | grep -x "$2"; }
lists() { on sources | grep "^sap \"$1\" "; }

# M first, so it hears PipeWire's first announcement (then every 5 s).
ip netns exec "$m" "$mixmatrixd" --sap --sap-address 224.0.0.56 --rate 48000 --control 127.0.0.1:7700 \
  --stream 127.0.0.1:7701 --http off --rt-priority 0 --nice 0 >"$work/mixmatrixd.log" 2>&1 &
server=$!
pids+=("$server")
within 50 on ping || fail "mixmatrixd did not answer"
ip netns exec "$p" pipewire >"$work/pipewire.log" 2>&1 &
pipewire=$!
pids+=("$pipewire")
within 50 has_port -i rtp-sink:input_FR || fail "PipeWire's rtp-sink did not come up"
echo "PipeWire $version up in namespace $p"

# PipeWire -> mixmatrix: pw-cat plays the tone into the rtp-sink (linked by hand: no session manager).
ip netns exec "$p" pw-cat --playback -P "{ node.name = tone $ports }" "$work/tone.wav" >"$work/pw-cat.log" 2>&1 &
player=$!
pids+=("$player")
within 50 has_port -o tone:output_FR || fail "pw-cat did not come up"
pw pw-link tone:output_FL rtp-sink:input_FL
pw pw-link tone:output_FR rtp-sink:input_FR

within 100 lists pw-tone || fail "M never heard PipeWire's announcement"
line=$(lists pw-tone)
echo "M's sources: $line"
[[ "$line" =~ ^sap\ \"pw-tone\"\ 224\.0\.0\.56:4[67][0-9]{3}\ L16\ 48000\ 2\ from=10\.232\.0\.1\ age_s= ]] ||
  fail "unexpected: $line"
# 100 ms (PipeWire's own rtp-source's default): PipeWire sends its packets three at a time, a
# cycle's worth, and a loaded machine (a parallel ctest) delays cycles further (jitter_ms= 20 to
# 35); at the default 20 the input would raise its target, playing slower to get there, as we listen.
reply=$(on input add pw sap pw-tone latency 100)
echo "M: input add pw sap pw-tone latency 100 -> $reply"
[[ "$reply" == "OK receiving 224.0.0.56:"*" format L16 48000 2 from SAP session pw-tone" ]] || fail "$reply"
on mix add heard >/dev/null
on route heard pw >/dev/null
# Settled: its buffer at its level, so what we hear is not sped up or slowed down to get there.
settled() { on show pw | grep ' settled=yes '; }
within 200 settled || fail "pw did not settle: $(on show pw)"
printf 'LISTEN heard\n' | ip netns exec "$m" timeout 3 nc 127.0.0.1 7701 >"$work/heard.raw" || true
python3 "$work/tone.py" "$work/heard.raw" "M heard PipeWire" 1000 -12 || fail "M did not hear PipeWire's tone"
show=$(on show pw | grep "^input pw ")
echo "M: $show"
[[ "$show" == *" lost=0 "* && "$show" == *" bad=0 "* ]] || fail "$show"

# mixmatrix -> PipeWire: a 440 Hz mix in L24 (AES67's profile at 48 kHz: 1 ms packets, the
# media-clock lines in its SDP), of which the rtp-source makes a node named after the session.
on input add t tone 440 -12 >/dev/null
on mix add mm-tone rtp 239.232.0.2:5004 format L24 >/dev/null
on route mm-tone t >/dev/null
within 50 has_port -o mm-tone:output_FR || fail "PipeWire did not make a stream of M's announcement"
echo "PipeWire made a node of M's mm-tone: $(pw pw-link -o | grep '^mm-tone:' | paste -sd ' ')"
ip netns exec "$p" timeout -s INT 6 pw-cat --record --rate 48000 --channels 2 --format s16 \
  -P "{ node.name = rec $ports }" "$work/rec.wav" >>"$work/pw-cat.log" 2>&1 &
rec=$!
pids+=("$rec")
within 20 has_port -i rec:input_FR || fail "pw-cat --record did not come up"
pw pw-link mm-tone:output_FL rec:input_FL
pw pw-link mm-tone:output_FR rec:input_FR
wait "$rec" || true
unset 'pids[-1]'
python3 "$work/tone.py" "$work/rec.wav" "PipeWire recorded M" 440 -12 || fail "PipeWire did not play M's tone"

# Each side's SAP deletion: M removes its mix and PipeWire drops the node; PipeWire stops (its
# rtp-sink's goodbye) and M forgets the session, its input no longer receiving.
on mix remove mm-tone >/dev/null
within 50 not has_port -o mm-tone:output_FL || fail "PipeWire kept mm-tone after M's deletion"
echo "PipeWire dropped mm-tone after M's deletion"
kill -TERM "$pipewire"
wait "$pipewire" || fail "pipewire exited with $?"
pids=("$server" "$player")
within 50 not lists pw-tone || fail "M still lists pw-tone after PipeWire stopped"
on show pw | grep ' rtp=none ' >/dev/null || fail "M's pw still receives: $(on show pw)"
echo "M forgot pw-tone after PipeWire's deletion"

# The rest stop; mixmatrixd exits 0.
for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
wait "$server" || fail "mixmatrixd exited with $?"
pids=()
echo "passed"
