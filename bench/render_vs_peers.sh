#!/usr/bin/env bash
# Offline mixing, mixrender against sox -m and ffmpeg's amix, on the same files in the same run.
#   bench/render_vs_peers.sh [BUILD_DIR] [INPUTS] [SECONDS]
# Prints wall-clock seconds, times real time, and how much faster mixrender is. Figures, not asserts.
set -euo pipefail
build=${1:-build}
inputs=${2:-16}
seconds=${3:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

files=()
for i in $(seq "$inputs"); do
  sox -n -r 44100 -c 2 -b 16 "$work/in$i.wav" synth "$seconds" sine $((100 + 37 * i)) sine $((1000 + 91 * i)) vol 0.05
  files+=("$work/in$i.wav")
done

elapsed() {  # runs "$@" once, prints its wall-clock seconds
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

best_of_3() {
  local best=999999 t
  for _ in 1 2 3; do
    t=$(elapsed "$@")
    best=$(echo "if ($t < $best) $t else $best" | bc -l)
  done
  echo "$best"
}

sox_args=(-m)
for f in "${files[@]}"; do sox_args+=(-v 1 "$f"); done
ffmpeg_args=(-nostdin -y -loglevel error)
for f in "${files[@]}"; do ffmpeg_args+=(-i "$f"); done
ffmpeg_args+=(-filter_complex "amix=inputs=$inputs:normalize=0" -c:a pcm_s16le "$work/ffmpeg.wav")

ours=$(best_of_3 "$build/clients/mixrender" --out "$work/ours.wav" "${files[@]}")
sox=$(best_of_3 sox "${sox_args[@]}" -D "$work/sox.wav")
ffmpeg=$(best_of_3 ffmpeg "${ffmpeg_args[@]}")

printf '%d inputs of %d s, best of 3 runs:\n' "$inputs" "$seconds"
for tool in mixrender sox ffmpeg; do
  case $tool in mixrender) t=$ours ;; sox) t=$sox ;; ffmpeg) t=$ffmpeg ;; esac
  printf '  %-10s %8.3f s  %8.0fx real time  mixrender is %6.1fx faster\n' "$tool" "$t" \
    "$(echo "$seconds / $t" | bc -l)" "$(echo "$t / $ours" | bc -l)"
done
