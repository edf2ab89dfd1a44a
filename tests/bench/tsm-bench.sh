#!/bin/bash
# tsm-bench.sh - the configfs-tsm rows of the bench (make bench-tsm):
# boot a Debian suite's kernel that has configfs-tsm (default trixie,
# 6.12; sid is 7.2) in the test VM, with the modules built for it by
# `tests/matrix/kernel.sh SUITE build`, and run tdxq-tsm-bench there.
#
#   tests/bench/tsm-bench.sh [--smoke] [SUITE] [-- TDXQ-TSM-BENCH-ARGS...]
#
# Lands in $BENCH_OUT (default build/bench/tsm-SUITE): bench.log (the
# console), bench.md (conditions and table), bench.csv. Exit status:
# tdxq-tsm-bench's (0 unless a module would not load or a quote failed;
# never about timing), run.sh's (124, 125, 126), or 1 without a table.
# Environment: QEMU_MEM (default 2048), BENCH_TIMEOUT (default 900).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
BIN=$HERE/build/tdxq-tsm-bench
# shellcheck source=tests/matrix/lib.sh
. "$TOP/tests/matrix/lib.sh"

smoke=0
suite=trixie
args=()
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1; args+=(--smoke); shift ;;
	--) shift; args+=("$@"); break ;;
	-*) echo "usage: ${0##*/} [--smoke] [SUITE] [-- ARGS...]" >&2; exit 2 ;;
	*) suite=$1; shift ;;
	esac
done
mods=$TOP/build/matrix/$suite
for f in "$BIN" "$mods/tdx_quote.ko" "$mods/tdx_quote_sim.ko"; do
	[ -f "$f" ] || mx_die "$f missing (make bench-tsm builds it: tests/matrix/kernel.sh $suite build; make -C tests/bench)"
done
sub=tsm-$suite
[ "$smoke" = 0 ] || sub=$sub-smoke
out=${BENCH_OUT:-$TOP/build/bench/$sub}
mkdir -p "$out"

# The suite's chroot holds the kernel; one user of it at a time.
mkdir -p "$(mx_cache)/matrix"
exec 7>"$(mx_cache)/matrix/$suite.use.lock"
flock -w 3600 7 || mx_die "another run of $suite holds $(mx_cache)/matrix/$suite.use.lock"
read -r root kver < <("$TOP/tests/matrix/chroot.sh" "$suite") || mx_die "no $suite chroot"
vmlinuz=$(mx_vmlinuz "$root" "$kver") || mx_die "$suite: no vmlinuz for $kver"

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "host CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1) ($(nproc) CPUs)"
	echo "guest kernel: $kver (Debian $suite), QEMU TCG, ${QEMU_SMP:-2} vCPUs, ${QEMU_MEM:-2048} MiB"
	echo "tree: $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "host load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/env.txt"

rc=0
QEMU_MEM=${QEMU_MEM:-2048} KVER=$kver VMLINUZ=$vmlinuz "$TOP/tests/vm/run.sh" \
	--timeout "${BENCH_TIMEOUT:-900}" --log "$out/bench.log" -R "$root" \
	-m "$mods/tdx_quote.ko" -m "$mods/tdx_quote_sim.ko" -K configfs -K tsm -K tsm_report \
	-a "$BIN:/usr/bin/tdxq-tsm-bench" -- tdxq-tsm-bench ${args[@]+"${args[@]}"} || rc=$?
echo "host load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/env.txt"

cut_block() {
	tr -d '\r' <"$out/bench.log" | awk -v b="$1-BEGIN" -v e="$1-END" '
		$0 == b { inside = 1; buf = ""; next }
		$0 == e { if (inside) { out = buf; found = 1 } inside = 0; next }
		inside { buf = buf $0 "\n" }
		END { printf "%s", out; exit !found }'
}
if cut_block TDXQ-TSM-BENCH-CSV >"$out/bench.csv" &&
	{ cat "$out/env.txt"; echo; cut_block TDXQ-TSM-BENCH-TABLE; } >"$out/bench.md"; then
	cat "$out/bench.md"
	echo "tsm-bench: table in $out/bench.md, CSV in $out/bench.csv; exit status $rc"
else
	echo "tsm-bench: no table in the console log $out/bench.log" >&2
	[ "$rc" = 0 ] && rc=1
fi
exit "$rc"
