#!/usr/bin/env bash
# Benchmarks of issue 2: replay throughput (tmpfs and disk) and the start-up time of a
# one-command batch invocation. Figures only; nothing here asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
cargo bench --bench replay --no-run --quiet 2>/dev/null || true
disk=$(mktemp -d -p /var/tmp)
trap 'rm -rf "$disk"' EXIT
# The build's output is still being written back: let it reach the disk first, or the
# first figures measure the writeback. Ten rounds of every transcript (about 2,700
# commands) are long enough for a steady figure.
sync
sleep 2
echo "== replay throughput (replay FILE... as the command does it: one at a time, then one per core)"
ROUNDS=${ROUNDS:-10} TMPDIR=/dev/shm cargo bench --quiet --bench replay
ROUNDS=${ROUNDS:-10} TMPDIR="$disk" cargo bench --quiet --bench replay
echo "== start-up of a one-command batch invocation (sim, existing root), 50 runs"
root=$(mktemp -d -p /dev/shm)
./target/release/dockerlings --backend sim --root "$root" -c 'images -q' >/dev/null
times=()
for _ in $(seq 50); do
  s=$(date +%s%N)
  ./target/release/dockerlings --backend sim --root "$root" -c 'ps' >/dev/null
  e=$(date +%s%N)
  times+=($(( (e - s) / 1000 )))
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "start-up: median %.1f ms, min %.1f ms, max %.1f ms\n", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000}'
rm -rf "$root"
echo "== steady-state commands on one root with 2 running containers (1000 lines each)"
for where in /dev/shm /var/tmp; do
  root=$(mktemp -d -p "$where")
  ./target/release/dockerlings --backend sim --deterministic --root "$root" \
    -c 'run -d --name a1 busybox sleep 100000; run -d --name a2 busybox sleep 100000' >/dev/null
  for c in "ps" "inspect --format x busybox" "pause a1; unpause a1"; do
    n=$(echo "$c" | awk -F';' '{print NF}')
    script=$(mktemp)
    for _ in $(seq 1000); do echo "$c"; done > "$script"
    s=$(date +%s%N)
    ./target/release/dockerlings --backend sim --deterministic --root "$root" < "$script" >/dev/null
    e=$(date +%s%N)
    echo "$where: '$c': $(( 1000 * n * 1000000000 / (e - s) )) commands/s"
    rm -f "$script"
  done
  rm -rf "$root"
done
