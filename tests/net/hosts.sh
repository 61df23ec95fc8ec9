# Sourced by the network tests: hosts made of network namespaces, joined by a veth pair, and the
# cleanup of everything on any exit (the processes in `pids`, the namespaces, the directory
# `work`, which the caller sets before sourcing this).
pids=()
hosts=()

cleanup() {
  local pid host
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for host in "${hosts[@]}"; do ip netns del "$host" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Namespaces $1 and $2, each with its loopback up; exit 77 (skipped) where they cannot be made.
hosts_up() {
  local host
  if ! ip netns add "$1" 2>/dev/null; then
    echo "skipped: cannot create network namespaces here (needs root and iproute2)"
    exit 77
  fi
  hosts+=("$1")
  ip netns add "$2"
  hosts+=("$2")
  for host in "$1" "$2"; do ip -n "$host" link set lo up; done
}

# The link between hosts $1 and $2 (veth v$1 and v$2), their addresses $3.1 and $3.2 (/24), and
# multicast routed over it, so that it stays inside the namespaces.
link_up() {
  ip link add "v$1" type veth peer name "v$2"
  ip link set "v$1" netns "$1"
  ip link set "v$2" netns "$2"
  ip -n "$1" addr add "$3.1/24" dev "v$1"
  ip -n "$2" addr add "$3.2/24" dev "v$2"
  ip -n "$1" link set "v$1" up
  ip -n "$2" link set "v$2" up
  ip -n "$1" route add 224.0.0.0/4 dev "v$1"
  ip -n "$2" route add 224.0.0.0/4 dev "v$2"
}
