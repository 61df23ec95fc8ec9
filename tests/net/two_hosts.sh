#!/usr/bin/env bash
# Two hosts, made of two network namespaces joined by a veth pair (created here, removed on any
# exit): a mixmatrixd in each with --sap. A sends a mix as multicast RTP; B finds it in `sources`,
# subscribes with `input add x sap out`, and a listener on B hears A's tone; when A removes the mix,
# its SAP deletion reaches B, which forgets the session and stops receiving. Multicast stays inside
# the namespaces. Exit 77 (skipped) where namespaces cannot be made.
# usage: two_hosts.sh MIXMATRIXD MIXCTL
set -euo pipefail
mixmatrixd=$1
mixctl=$2
a=mmA$$
b=mmB$$
work=$(mktemp -d /tmp/mixmatrix-two-hosts.XXXXXX)
source "$(dirname "$0")/hosts.sh"

fail() {
  echo "FAILED: $*"
  for host in A B; do
    echo "--- mixmatrixd on $host:"
    cat "$work/$host.log" 2>/dev/null || true
  done
  exit 1
}

hosts_up "$a" "$b"
link_up "$a" "$b" 10.231.0

# Starts mixmatrixd on host $1 (namespace $2) with --sap; its control port is 127.0.0.1:7700 there.
start_server() {
  ip netns exec "$2" "$mixmatrixd" --sap --control 127.0.0.1:7700 --stream 127.0.0.1:7701 --http off \
    --rt-priority 0 --nice 0 >"$work/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    ip netns exec "$2" "$mixctl" ping >/dev/null 2>&1 && return
    sleep 0.05
  done
  fail "mixmatrixd on $1 did not answer"
}
on() { local ns=$1; shift; ip netns exec "$ns" "$mixctl" "$@"; }

start_server A "$a"
start_server B "$b"

on "$a" input add t tone 1000 -12 >/dev/null
on "$a" mix add out rtp 239.231.0.1:5004 ttl 2 >/dev/null
on "$a" route out t >/dev/null

# B hears A's announcement (sent at once, then every 30 s).
line=""
for _ in $(seq 100); do
  line=$(on "$b" sources | grep '^sap "out" ' || true)
  [ -n "$line" ] && break
  sleep 0.1
done
[ -n "$line" ] || fail "B never heard A's announcement of 'out'"
echo "B's sources: $line"
[[ "$line" == 'sap "out" 239.231.0.1:5004 L16 44100 2 from=10.231.0.1 age_s='* ]] || fail "unexpected: $line"

reply=$(on "$b" input add x sap out)
echo "B: input add x sap out -> $reply"
[[ "$reply" == "OK receiving 239.231.0.1:5004 format L16 44100 2 from SAP session out" ]] || fail "$reply"
on "$b" mix add heard >/dev/null
on "$b" route heard x >/dev/null
for _ in $(seq 100); do
  on "$b" show x | grep -q ' state=live ' && break
  sleep 0.1
done
sleep 1  # past the input's start

# Two seconds of B's mix, as a listener on B's stream port reads it.
printf 'LISTEN heard\n' | ip netns exec "$b" timeout 3 nc 127.0.0.1 7701 >"$work/heard.raw" || true
python3 - "$work/heard.raw" <<'PY' || fail "B did not hear A's tone"
import math, struct, sys
data = open(sys.argv[1], 'rb').read()
data = data[data.index(b'\n') + 1:]  # past the OK line
n = len(data) // 4
left = [struct.unpack_from('<h', data, 4 * i)[0] for i in range(n)][44100 // 2:]
rms = math.sqrt(sum(v * v for v in left) / len(left))
peak_dbfs = 20 * math.log10(math.sqrt(2) * rms / 32768) if rms > 0 else -200
crossings = sum(1 for i in range(1, len(left)) if (left[i - 1] < 0) != (left[i] < 0))
hz = crossings / 2 / (len(left) / 44100)
print(f"B heard {len(left) / 44100:.2f} s: {peak_dbfs:.2f} dBFS at {hz:.1f} Hz")
sys.exit(0 if abs(peak_dbfs + 12) < 0.5 and abs(hz - 1000) < 10 else 1)
PY
show=$(on "$b" show x)
echo "B: $show"
[[ "$show" == *" lost=0 "* && "$show" == *" bad=0 "* && "$show" == *" sap=out "* ]] || fail "$show"

# The link goes away and comes back (a cable replugged, a VM migrated): B joins its groups again and
# receives A's stream and announcements again.
ip -n "$a" link del "v$a"
sleep 1
link_up "$a" "$b" 10.231.0
packets=$(on "$b" show x | grep -o ' packets=[0-9]*' | cut -d= -f2)
for _ in $(seq 150); do
  now=$(on "$b" show x | grep -o ' packets=[0-9]*' | cut -d= -f2)
  [ "${now:-0}" -gt $((packets + 200)) ] && break
  sleep 0.1
done
[ "${now:-0}" -gt $((packets + 200)) ] || fail "B did not receive again after the link came back: $(on "$b" show x)"
echo "B receives again after the link came back ($packets packets before, $now now)"

# A removes the mix: its SAP deletion makes B forget the session and stop receiving.
on "$a" mix remove out >/dev/null
for _ in $(seq 50); do
  on "$b" sources | grep -q '^sap "out" ' || break
  sleep 0.1
done
! on "$b" sources | grep -q '^sap "out" ' || fail "B still lists 'out' after A removed it"
on "$b" show x | grep -q ' rtp=none ' || fail "B's x still receives: $(on "$b" show x)"
echo "B forgot 'out' after A's deletion"

# A clean shutdown of both, their exits 0.
for pid in "${pids[@]}"; do kill -TERM "$pid"; done
for pid in "${pids[@]}"; do wait "$pid" || fail "a mixmatrixd exited with $?"; done
pids=()
echo "passed"
