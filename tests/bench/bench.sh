#!/bin/bash
# bench.sh - boot the test VM once and run tdxq-bench in it (make bench).
#
#   tests/bench/bench.sh [--smoke] [-- TDXQ-BENCH-ARGS...]
#
# Everything lands in $BENCH_OUT (default build/bench at the top; the
# smoke run in build/bench/smoke):
#   bench.log   the whole VM console (progress, table, dmesg)
#   bench.md    the table (markdown), the memory table and the conditions
#   bench.csv   one line per run
#   extra.csv   baseline timer/GET_REPORT latencies and the memory run
#   env.txt     host CPU, load average before and after, other host CPU
#               use during the run, versions
#   load.samples  every 2 s: time, host busy CPU ticks, our qemu's ticks
#
# Exit status: tdxq-bench's (0: every load and request worked; never
# about timing), run.sh's (124 timeout, 125 guest died, 126 kernel
# WARNING/BUG/Oops), or 1 when the CSV is missing from the console.
#
# Environment: KVER (kernel release to boot), QEMU_MEM (default 2048:
# the 32 MiB quote needs room), BENCH_TIMEOUT (seconds, default 1200).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
BIN=$HERE/build/tdxq-bench

smoke=0
args=()
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1; shift ;;
	--) shift; args+=("$@"); break ;;
	*) echo "usage: ${0##*/} [--smoke] [-- TDXQ-BENCH-ARGS...]" >&2; exit 2 ;;
	esac
done

if [ "$smoke" = 1 ]; then
	out=${BENCH_OUT:-$TOP/build/bench/smoke}
	timeout=${BENCH_TIMEOUT:-300}
	args=(--smoke ${args[@]+"${args[@]}"})
else
	out=${BENCH_OUT:-$TOP/build/bench}
	timeout=${BENCH_TIMEOUT:-1200}
fi

# qemu is checked by tests/vm/run.sh; pgrep samples our qemu's CPU time.
command -v pgrep >/dev/null || {
	echo "${0##*/}: pgrep not found: apt-get install procps (tests/deps.sh installs it)" >&2
	exit 1
}
for f in "$BIN" "$TOP/tdx_quote.ko" "$TOP/tdx_quote_sim.ko"; do
	[ -f "$f" ] || { echo "${0##*/}: $f missing (make modules; make -C tests/bench)" >&2; exit 1; }
done
mkdir -p "$out"
log=$out/bench.log

host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "host CPU: $host_cpu ($(nproc) CPUs)"
	echo "host kernel: $(uname -r)"
	echo "qemu: $(qemu-system-x86_64 --version | head -n 1)"
	echo "VM: TCG, ${QEMU_SMP:-2} vCPUs, ${QEMU_MEM:-2048} MiB"
	echo "tree: $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "load average before: $load_before"
} >"$out/env.txt"
echo "bench: host load average $load_before (numbers taken under load are not representative)"

# What else the host ran meanwhile: every 2 s, the host's busy CPU time
# and our qemu's (found by its initramfs under our own TMPDIR); the
# difference is other load, which skews every number (the VM's two vCPU
# threads want both host CPUs).
vmtmp=$(mktemp -d "${TMPDIR:-/tmp}/tdxq-bench.XXXXXX")
sampler_pid=
# shellcheck disable=SC2317  # invoked from the EXIT trap
cleanup() {
	if [ -n "$sampler_pid" ]; then
		kill "$sampler_pid" 2>/dev/null || true
		wait "$sampler_pid" 2>/dev/null || true
	fi
	rm -rf "$vmtmp"
}
trap cleanup EXIT

sample_load() {
	local pid='' host q
	while :; do
		if [ -z "$pid" ] || [ ! -e "/proc/$pid" ]; then
			pid=$(pgrep -f -- "^qemu-system-x86_64 .*-initrd $vmtmp/" | head -n 1) || pid=
		fi
		host=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat)
		q=0
		if [ -n "$pid" ]; then
			q=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || q=0
		fi
		echo "$EPOCHREALTIME $host ${q:-0}"
		sleep 2
	done
}
sample_load >"$out/load.samples" &
sampler_pid=$!

rc=0
TMPDIR=$vmtmp QEMU_MEM=${QEMU_MEM:-2048} "$TOP/tests/vm/run.sh" --timeout "$timeout" --log "$log" \
	-m "$TOP/tdx_quote.ko" -m "$TOP/tdx_quote_sim.ko" \
	-a "$BIN:/usr/bin/tdxq-bench" -- tdxq-bench "${args[@]}" || rc=$?

kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=
# Other load in % of one host CPU: average over the run, worst 2 s.
other=$(awk -v hz="$(getconf CLK_TCK)" '
	NR > 1 && q > 0 && $3 >= q && $1 > t {
		d = (($2 - h) - ($3 - q)) / hz / ($1 - t) * 100
		if (d < 0) d = 0
		sum += d; n++
		if (d > max) max = d
	}
	{ t = $1; h = $2; q = $3 }
	END { if (n) printf "average %.0f%%, worst 2 s %.0f%% of one CPU", sum / n, max; else print "unknown" }
' "$out/load.samples")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
	echo "load average after: $load_after"
	echo "other host CPU use during the run: $other"
} >>"$out/env.txt"

# The lines between BEGIN and END markers of the console log.
cut_block() {
	tr -d '\r' <"$log" | awk -v b="$1-BEGIN" -v e="$1-END" '
		$0 == b { inside = 1; buf = ""; next }
		$0 == e { if (inside) { out = buf; found = 1 } inside = 0; next }
		inside { buf = buf $0 "\n" }
		END { printf "%s", out; exit !found }'
}

ok=1
cut_block TDXQ-BENCH-CSV >"$out/bench.csv" || ok=0
cut_block TDXQ-BENCH-MEM-CSV >"$out/extra.csv" || ok=0
{
	cat "$out/env.txt"
	echo
	cut_block TDXQ-BENCH-TABLE || ok=0
	echo
	cut_block TDXQ-BENCH-MEM || true
	echo
	cut_block TDXQ-BENCH-TARGETS || true
} >"$out/bench.md"

if [ "$ok" = 1 ]; then
	rows=$(($(wc -l <"$out/bench.csv") - 1))
	echo "bench: $rows runs; table in $out/bench.md, CSV in $out/bench.csv, $out/extra.csv"
	# Every mode must have produced at least one run.
	for mode in irq poll upstream; do
		if ! grep -q "^[a-z]*,$mode," "$out/bench.csv" &&
			! printf '%s\n' "${args[@]+"${args[@]}"}" | grep -q -- '--mode'; then
			echo "bench: no $mode run in the CSV" >&2
			[ "$rc" = 0 ] && rc=1
		fi
	done
else
	echo "bench: no complete CSV in the console log $log" >&2
	[ "$rc" = 0 ] && rc=1
fi
echo "bench: load average before $load_before, after $load_after; other host CPU use during the run: $other; exit status $rc"
exit "$rc"
