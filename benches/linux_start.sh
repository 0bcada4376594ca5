#!/usr/bin/env bash
# Issue 4's benchmark: `dockerlings run --rm busybox true` against `crun run` and `runc run`
# (Debian's packages: apt-get install -y runc crun) on the same busybox rootfs, median of N
# runs each; then the engine's own pause/unpause latency. Needs root. Figures only.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-15}
cargo build --release --quiet
bin=$PWD/target/release/dockerlings
work=$(mktemp -d)
root=$work/root
# Containers first (a bench cut short would leave `pz` running on a deleted root).
trap '"$bin" --backend linux --root "$root" -c "rm -f pz" >/dev/null 2>&1; rm -rf "$work"' EXIT
"$bin" --backend linux --root "$root" -c 'images -q' >/dev/null
layer=$("$bin" --backend linux --root "$root" -c "image inspect --format '{{.GraphDriver.Data.UpperDir}}' busybox")
mkdir -p "$work/bundle"
cp -a "$layer" "$work/bundle/rootfs"
(cd "$work/bundle" && runc spec)
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
c["root"]["readonly"] = False
json.dump(c, open(p, "w"))
PY
median() { sort -n | awk '{a[NR]=$1} END {printf "median %.1f ms (min %.1f, max %.1f, n=%d)", a[int((NR+1)/2)], a[1], a[NR], NR}'; }
# IDLE=0.3 sleeps that long before every run: each then starts on an idle machine (a quiet
# disk, no grace period in flight), as a user's single command does.
IDLE=${IDLE:-0}
ms() { local s e; sleep "$IDLE"; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo "scale=1; ($e-$s)/1000000" | bc; }
# Interleaved rounds (ours, runc, crun in each), so a change of machine load or of kernel
# state (page cache, RCU) between blocks of runs favours none of them.
ours=(); runcs=(); cruns=()
for i in $(seq "$N"); do
  ours+=("$(ms "$bin" --backend linux --root "$root" -c 'run --rm busybox true')")
  runcs+=("$(ms runc run -b "$work/bundle" "bench-runc-$i")")
  # crun refuses this hybrid host unless /sys/fs/cgroup/unified is out of its sight.
  cruns+=("$(ms unshare -m sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; exec crun run -b '$work/bundle' bench-crun-$i")")
done
echo "dockerlings run --rm busybox true: $(printf '%s\n' "${ours[@]}" | median)"
echo "runc run:                          $(printf '%s\n' "${runcs[@]}" | median)"
echo "crun run:                          $(printf '%s\n' "${cruns[@]}" | median)"
echo "unshare -mupin true:               $(for i in $(seq "$N"); do ms unshare -mupin true; done | median)"
# pause/unpause inside the engine, as the engine measured them (show memory's "took").
"$bin" --backend linux --root "$root" -c 'run -d --name pz busybox sleep 1000' >/dev/null
for i in $(seq "$N"); do "$bin" --backend linux --root "$root" -c 'pause pz; unpause pz' >/dev/null; done
"$bin" --backend linux --root "$root" --no-diagrams -c 'show memory pz' | grep -E 'paused|unpaused' | tail -4
"$bin" --backend linux --root "$root" -c 'rm -f pz' >/dev/null
