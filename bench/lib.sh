# Shared by the bench scripts: start and stop a program, read its CPU time and memory, ask mixmatrixd.
# Figures only; nothing here asserts a speed.

build=${BUILD:-build}
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ticks_per_s=$(getconf CLK_TCK)

# The first of COUNT (default 1) consecutive free TCP ports on 127.0.0.1.
free_ports() {
  python3 - "${1:-1}" <<'EOF'
import socket, sys
count = int(sys.argv[1])
import random
# Below the kernel's ephemeral range (32768 and up), so loadgen's own connections cannot take a port a
# mixer has yet to listen on (ffmpeg opens its inputs one after another).
start = random.randrange(10000, 30000 - count)
for base in range(start, 32000 - count, count + 7):
    held = []
    try:
        for p in range(base, base + count):
            s = socket.socket(); s.bind(("127.0.0.1", p)); held.append(s)
        print(base); break
    except OSError:
        pass
    finally:
        for s in held: s.close()
EOF
}

# CPU seconds (user + system) PID has used so far.
cpu_seconds() {
  awk -v t="$ticks_per_s" '{ print ($14 + $15) / t }' "/proc/$1/stat"
}

# Resident memory of PID in KiB.
rss_kib() {
  awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# Waits until something accepts connections on 127.0.0.1:PORT (up to 10 s).
wait_for_port() {
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

# `stats` from mixmatrixd on control PORT.
server_stats() {
  "$build/clients/mixctl" --server "127.0.0.1:$1" stats
}

# From `stats` lines on stdin: late ticks, and underruns summed over channels.
late_ticks() { awk '/^server/ { for (i = 1; i <= NF; i++) if ($i ~ /^late_ticks=/) { sub(/.*=/, "", $i); print $i } }'; }
underruns() { awk '/^channel/ { for (i = 1; i <= NF; i++) if ($i ~ /^underruns=/) { sub(/.*=/, "", $i); n += $i } } END { print n + 0 }'; }

# The value of KEY in a line of key=value pairs on stdin.
field() { tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }

# Stops PID (SIGTERM, then SIGKILL after 5 s) and waits for it (reaps it, if it is our child).
stop_process() {
  kill "$1" 2>/dev/null || return 0
  wait "$1" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$1" 2>/dev/null || true
}
