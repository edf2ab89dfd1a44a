#!/bin/bash
# selftest.sh - check that the VM test rig (run.sh, mkinitramfs.sh) works:
# exit codes, the dmesg scan, file/library copying, real kmod, privilege
# drop, timeouts (qemu killed, temp dirs removed) and, if kernel headers
# are installed, loading an out-of-tree module.  Takes about a minute.
set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN=$HERE/run.sh

if [ $# -gt 0 ]; then
	echo "usage: $PROG" >&2
	exit 2
fi

# Everything run.sh creates lives under this TMPDIR, so leftovers (temp
# dirs, qemu processes with it on their command line) are easy to spot.
work=$(mktemp -d "${TMPDIR:-/tmp}/tdxq-selftest.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir "$TMPDIR"

failures=0
total=0

fail() {
	echo "  FAIL: $*"
	failures=$((failures + 1))
}

# check NAME EXPECTED_RC [GREP_PATTERN | !GREP_PATTERN...] -- RUN_ARGS...
# Runs run.sh, checks its exit status and that each pattern occurs in
# its output (stdout + stderr), each !pattern not.
check() {
	local name=$1 want=$2 rc=0 start end pattern failed_before=$failures
	shift 2
	local patterns=()
	while [ "$1" != -- ]; do
		patterns+=("$1")
		shift
	done
	shift
	total=$((total + 1))
	local out=$work/$total.out
	start=$EPOCHREALTIME
	"$RUN" "$@" >"$out" 2>&1 || rc=$?
	end=$EPOCHREALTIME
	printf '%-28s rc=%-3s (want %s) %5.1fs\n' "$name" "$rc" "$want" \
		"$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
	[ "$rc" = "$want" ] || fail "$name: exit status $rc, wanted $want"
	for pattern in ${patterns[@]+"${patterns[@]}"}; do
		if [ "${pattern#!}" != "$pattern" ]; then
			! grep -aq -e "${pattern#!}" "$out" ||
				fail "$name: output has '${pattern#!}'"
		else
			grep -aq -e "$pattern" "$out" || fail "$name: output lacks '$pattern'"
		fi
	done
	if [ $failures != "$failed_before" ]; then
		sed 's/^/  | /' "$out" | grep -av '^  | \[ *[0-9.]*\] ' | tail -n 30
	fi
	# Nothing may survive a run: no temp dir, no qemu.
	if [ -n "$(ls -A "$TMPDIR")" ]; then
		fail "$name: left behind in TMPDIR: $(cd "$TMPDIR" && echo ./* ./.[!.]*)"
		rm -rf "${TMPDIR:?}"/*
	fi
	if pgrep -f "$TMPDIR" >/dev/null; then
		fail "$name: processes left running: $(pgrep -af "$TMPDIR")"
	fi
}

kver=${KVER:-$(printf '%s\n' /boot/vmlinuz-*-amd64 | sort -V | tail -n 1 | sed 's|^/boot/vmlinuz-||')}
echo "kernel $kver; temp $work"

check basics 0 "^$kver" 'console=ttyS0' 'modules.dep' 'kmod version' 'TDXQ-EXIT=0' -- \
	-- 'uname -r; cat /proc/cmdline; ls /lib/modules/*/; modprobe --version'
check false 1 'TDXQ-EXIT=1' -- -- false
check exit-code 42 'TDXQ-EXIT=42' -- -- 'exit 42'
# A guest that reached its init is booted once, however much it printed.
check long-output 0 'TDXQ-EXIT=0' '!booting it once more' -- \
	-- 'seq 1 40000'
# A guest that never reaches its init is booted twice, then reported dead.
check no-init 125 'booting it once more' 'no TDXQ-EXIT marker' -- \
	--append rdinit=/nonexistent -- true
check kernel-warning 126 'KERNEL PROBLEMS' 'WARNING: test' -- \
	-- 'echo "<4>WARNING: test" > /dev/kmsg'
check copy-file 0 -- -a /bin/true:/tdxq/bin/true -- /tdxq/bin/true
if [ -x /usr/bin/openssl ]; then
	# libssl.so.3 is not otherwise in the image
	check copy-dynamic-elf 0 '^OpenSSL ' -- -a /usr/bin/openssl:/tdxq/bin/ \
		-- 'openssl version'
fi
if command -v cc >/dev/null; then
	# A library outside the loader's default path, found on the host via
	# LD_LIBRARY_PATH, must be found in the VM too (ld.so.cache).
	mkdir "$work/lib"
	echo 'int tdxq_answer(void) { return 42; }' >"$work/lib/answer.c"
	printf '%s\n' '#include <stdio.h>' 'int tdxq_answer(void);' \
		'int main(void) { printf("ANSWER=%d\n", tdxq_answer()); return 0; }' >"$work/lib/main.c"
	cc -shared -fPIC -o "$work/lib/libtdxqanswer.so" "$work/lib/answer.c"
	cc -o "$work/lib/answer" "$work/lib/main.c" -L"$work/lib" -ltdxqanswer
	LD_LIBRARY_PATH=$work/lib check private-library 0 'ANSWER=42' -- \
		-a "$work/lib/answer:/tdxq/bin/answer" -- answer
fi
check mounts-and-nobody 0 'uid=65534' -- \
	-- 'grep -q " /sys/kernel/debug debugfs" /proc/mounts && grep -q " /tmp tmpfs" /proc/mounts &&
	    su -s /bin/sh nobody -c "id; ! cat /proc/kmsg 2>/dev/null"'
check timeout 124 'TIMEOUT' -- --timeout 3 -- 'sleep 600'
check panic 125 'no TDXQ-EXIT marker' 'Kernel panic' -- \
	-- 'echo c > /proc/sysrq-trigger'

# Out-of-tree module: built here against the target kernel's headers.
build=/lib/modules/$kver/build
if [ -d "$build" ] && command -v make >/dev/null; then
	mod=$work/mod
	mkdir "$mod"
	cat >"$mod/tdxq_vmtest.c" <<'EOF'
#include <linux/module.h>
#include <linux/bug.h>
static bool warn;
module_param(warn, bool, 0444);
static int __init tdxq_vmtest_init(void)
{
	WARN_ON(warn);
	return 0;
}
static void __exit tdxq_vmtest_exit(void)
{
}
module_init(tdxq_vmtest_init);
module_exit(tdxq_vmtest_exit);
MODULE_LICENSE("GPL");
EOF
	echo 'obj-m := tdxq_vmtest.o' >"$mod/Kbuild"
	if make -s -C "$build" M="$mod" modules >"$mod/build.log" 2>&1; then
		# The taint / unsigned-module messages must not count as problems.
		check module-load 0 'tdxq_vmtest' -- -m "$mod/tdxq_vmtest.ko" \
			-- 'modprobe tdxq_vmtest && lsmod | grep tdxq_vmtest && modprobe -r tdxq_vmtest'
		check module-warn 126 'WARNING: CPU' -- -m "$mod/tdxq_vmtest.ko" \
			-- 'modprobe tdxq_vmtest warn=1'
	else
		echo "(module build failed, skipping module tests)"
		cat "$mod/build.log"
	fi
else
	echo "(no $build, skipping module tests)"
fi

echo "$total runs, $failures failures"
[ "$failures" = 0 ]
