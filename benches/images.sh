#!/usr/bin/env bash
# Issue 3's image benchmark. A container writes SIZE MB into its writable layer (the linux
# backend when it can run here, else the simulator, whose upper dirs are real files too);
# then, in one run on the same data, each dockerlings command beside the standard tool
# doing the same essential work:
#   commit  vs  cp -a UPPER DIR          target: commit <= 2x cp -a
#   save    vs  tar -cf - UPPER | sha256sum   target: save >= 80 % of its throughput
# and the peak RSS of commit, save and load (must not grow with the layer: run at 100 and
# 500 MB). Figures only; nothing here asserts a time. SIZES="100 500" BEST_OF=3 by default.
# Times are the best of BEST_OF runs, warm page cache, on whatever else the machine is doing.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"100 500"}
BEST_OF=${BEST_OF:-3}
cargo build --release --quiet
bin=$PWD/target/release/dockerlings
backend=sim
if "$bin" --backend linux --root "$(mktemp -d)" -c 'images -q' >/dev/null 2>&1; then
  backend=linux
fi
work=$(mktemp -d -p /var/tmp dockerlings-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
dl() { "$bin" --backend "$backend" --root "$1" -c "$2"; }
# Seconds (3 decimals) of the fastest of BEST_OF runs of "$@"; $prep runs before each.
best() {
  local best="" s e t
  for _ in $(seq "$BEST_OF"); do
    [ -n "${prep:-}" ] && eval "$prep"
    sync
    s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
    t=$(( (e - s) / 1000000 ))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  printf '%d.%03d' $((best / 1000)) $((best % 1000))
}
# Peak RSS in MB of one run of "$@".
rss() {
  /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1 || true
  tail -1 "$work/rss" | awk '{printf "%.1f", $1 / 1024}'
}
mbps() { awk -v mb="$1" -v s="$2" 'BEGIN { printf "%.0f", mb / s }'; }
echo "backend: $backend; sha2 SHA extensions (sha_ni): $(grep -qm1 sha_ni /proc/cpuinfo && echo yes || echo no)"
for size in $SIZES; do
  root=$work/root-$size
  rm -rf "$root"
  dl "$root" 'images -q' >/dev/null
  files=$((size / 5))
  if [ "$backend" = linux ]; then
    dl "$root" "run --name big busybox sh -c 'mkdir /data; i=0; while [ \$i -lt $files ]; do dd if=/dev/urandom of=/data/f\$i bs=1M count=5 2>/dev/null; i=\$((i+1)); done'" >/dev/null
  else
    dl "$root" 'create --name big busybox' >/dev/null
  fi
  upper=$(dl "$root" "inspect --format '{{.GraphDriver.Data.UpperDir}}' big")
  if [ "$backend" = sim ]; then
    # The simulator's shell has no dd: the bytes go straight into the container's upper dir.
    mkdir -p "$upper/data"
    for i in $(seq 0 $((files - 1))); do head -c 5M /dev/urandom > "$upper/data/f$i"; done
  fi
  mb=$(du -sm "$upper" | cut -f1)
  echo "== $size MB: the container's writable layer holds $mb MB"
  n=0
  prep='rm -rf "$work/cp"'
  t_cp=$(best cp -a "$upper" "$work/cp")
  # cp -a on ext4 copies in the kernel (copy_file_range) and makes nothing durable; commit
  # also hashes every byte and syncs its records: the durable copy is shown beside it.
  t_cp_sync=$(best sh -c "cp -a '$upper' '$work/cp' && sync -f '$work/cp'")
  commit_next() { n=$((n + 1)); dl "$root" "commit big bench:$n"; }
  t_commit=$(best commit_next)
  echo "commit:  $t_commit s   cp -a: $t_cp s (ratio $(awk -v a="$t_commit" -v b="$t_cp" 'BEGIN{printf "%.2f", a/b}')x, target <= 2x)   cp -a && sync: $t_cp_sync s (ratio $(awk -v a="$t_commit" -v b="$t_cp_sync" 'BEGIN{printf "%.2f", a/b}')x)"
  t_tar=$(best sh -c "tar -cf - -C '$upper' . | sha256sum")
  t_save=$(best dl "$root" "save -o $work/save.tar bench:1")
  t_save_pipe=$(best sh -c "'$bin' --backend $backend --root '$root' -c 'save bench:1' | cat >/dev/null")
  echo "save -o: $t_save s ($(mbps "$mb" "$t_save") MB/s)   save | cat: $t_save_pipe s ($(mbps "$mb" "$t_save_pipe") MB/s)   tar | sha256sum: $t_tar s ($(mbps "$mb" "$t_tar") MB/s)"
  echo "         save -o at $(awk -v a="$t_tar" -v b="$t_save" 'BEGIN{printf "%.0f", 100*a/b}') %, save to a pipe at $(awk -v a="$t_tar" -v b="$t_save_pipe" 'BEGIN{printf "%.0f", 100*a/b}') % of tar | sha256sum's throughput (target >= 80 %)"
  fresh=$work/fresh-$size
  rm -rf "$fresh"; dl "$fresh" 'images -q' >/dev/null
  prep='rm -rf "$fresh"; dl "$fresh" "images -q" >/dev/null'
  t_load=$(best dl "$fresh" "load -i $work/save.tar")
  prep=''
  echo "load -i: $t_load s ($(mbps "$mb" "$t_load") MB/s, into a fresh root)"
  rm -rf "$fresh"; dl "$fresh" 'images -q' >/dev/null
  echo "peak RSS: commit $(rss "$bin" --backend "$backend" --root "$root" -c "commit big rss:1") MB, save $(rss "$bin" --backend "$backend" --root "$root" -c "save -o $work/rss.tar bench:1") MB, load $(rss "$bin" --backend "$backend" --root "$fresh" -c "load -i $work/save.tar") MB, idle command (ps) $(rss "$bin" --backend "$backend" --root "$root" -c 'ps') MB"
  rm -rf "$root" "$fresh" "$work/cp" "$work/save.tar" "$work/rss.tar"
done
