#!/bin/bash
# run.sh - boot the stock Debian kernel under QEMU/TCG with a test
# initramfs, run one command in it and report how it went.
#
# Exit status: the command's own exit status, or
#   124  timeout (qemu killed)
#   125  no TDXQ-EXIT marker: the guest died (kernel panic, qemu error, ...)
#   126  the kernel logged a WARNING/BUG/Oops/... (even if the command passed)
# Note that a command's own 124/125/126 (e.g. sh's "not executable") is
# indistinguishable from these; run.sh prints which one it was on stderr.
#
# Environment:
#   KVER     kernel release (default: newest /boot/vmlinuz-*-amd64, or the
#            version embedded in $VMLINUZ)
#   VMLINUZ  kernel image to boot (default: /boot/vmlinuz-$KVER), e.g. a
#            debug kernel built from linux-source
#   QEMU_MEM guest memory in MiB (default 1024), QEMU_SMP vCPUs (default 2)
set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	cat >&2 <<EOF
usage: $PROG [--shell] [--timeout SECS (default 600)] [-R ROOT] [-m MODULE.ko]... [-K NAME]... [-T MODDIR [--full-modtree]] [-a SRC:DEST]... [--log FILE] [--] COMMAND...

  --shell         interactive shell on the VM console instead of COMMAND
                  (no timeout; 'exit' powers off, Ctrl-A X kills qemu).
                  A COMMAND given with --shell runs first (e.g. to load
                  modules), then the shell starts.
  --timeout SECS  kill the VM after SECS seconds, exit 124 (0 = never)
  -R ROOT         the kernel's module lists are under ROOT/lib/modules/KVER
                  (a chroot holding another Debian's kernel; default /)
  -m MODULE.ko    put MODULE.ko in the VM's /lib/modules/KVER/extra/
  -K NAME         the kernel's own module NAME and its dependencies, from
                  ROOT/lib/modules/KVER, where it has one (mkinitramfs.sh -K)
  -T MODDIR       copy the installed module tree MODDIR (e.g.
                  /lib/modules/KVER with DKMS modules in updates/) to the
                  VM's /lib/modules/KVER; of its stock kernel/ modules only
                  those the others depend on (mkinitramfs.sh -T)
  --full-modtree  with -T: all of kernel/ too (slow; set QEMU_MEM=3072)
  -a SRC:DEST     copy host file SRC (and its shared libraries) to DEST
  --log FILE      also write the console output to FILE
  --append ARGS   extra kernel command line arguments
  COMMAND...      joined with spaces and run by the VM's /bin/sh (like ssh)

Exit status: COMMAND's, or 124 timeout, 125 guest died without reporting
(panic, qemu error), 126 kernel WARNING/BUG/Oops/... in dmesg.
EOF
	exit 2
}

# Setup failures (no VM run at all) exit 125, like a guest that died.
die() {
	echo "$PROG: $*" >&2
	exit 125
}

need_arg() {
	[ $# -ge 2 ] || { echo "$PROG: $1 needs an argument" >&2; usage; }
}

# ---------------------------------------------------------------- arguments

shell=0
timeout=600
log=
append_extra=
mk_args=()

while [ $# -gt 0 ]; do
	case $1 in
	--shell) shell=1; shift ;;
	--timeout) need_arg "$@"; timeout=$2; shift 2 ;;
	--timeout=*) timeout=${1#*=}; shift ;;
	-m) need_arg "$@"; mk_args+=(-m "$2"); shift 2 ;;
	-K) need_arg "$@"; mk_args+=(-K "$2"); shift 2 ;;
	-R) need_arg "$@"; mk_args+=(-R "$2"); shift 2 ;;
	-a) need_arg "$@"; mk_args+=(-a "$2"); shift 2 ;;
	-T) need_arg "$@"; mk_args+=(-T "$2"); shift 2 ;;
	--full-modtree) mk_args+=(-F); shift ;;
	--log) need_arg "$@"; log=$2; shift 2 ;;
	--log=*) log=${1#*=}; shift ;;
	--append) need_arg "$@"; append_extra="$append_extra $2"; shift 2 ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) echo "$PROG: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
command="$*"

[[ $timeout =~ ^[0-9]+$ ]] || { echo "$PROG: --timeout wants whole seconds, got '$timeout'" >&2; usage; }
if [ "$shell" = 0 ] && [ -z "$command" ]; then
	echo "$PROG: no COMMAND given (or use --shell)" >&2
	usage
fi

# ---------------------------------------------------------------- kernel

# Kernel release embedded in a bzImage: setup header field kernel_version
# (u16 at 0x20e) points at a NUL-terminated string, offset + 0x200.
bzimage_version() {
	local off
	off=$(od -An -tu2 -j $((0x20e)) -N2 "$1" | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 1
	dd if="$1" bs=1 skip=$((off + 0x200)) count=128 status=none |
		tr '\0' '\n' | head -n 1 | cut -d' ' -f1
}

kver=${KVER:-}
kernel=${VMLINUZ:-}
if [ -z "$kver" ]; then
	if [ -n "$kernel" ]; then
		kver=$(bzimage_version "$kernel") ||
			die "cannot read the kernel version from $kernel; set KVER"
	else
		newest=$(printf '%s\n' /boot/vmlinuz-*-amd64 | sort -V | tail -n 1)
		[ -e "$newest" ] || die "no /boot/vmlinuz-*-amd64 (install linux-image-amd64)"
		kver=${newest#/boot/vmlinuz-}
	fi
fi
kernel=${kernel:-/boot/vmlinuz-$kver}
[ -r "$kernel" ] || die "cannot read kernel image $kernel"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"

# ---------------------------------------------------------------- temp dir, cleanup

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tdxq-vm.XXXXXX")
mk_pid=
qemu_pid=
tee_pid=

# shellcheck disable=SC2317  # invoked from the EXIT trap
cleanup() {
	if [ -n "$mk_pid" ]; then
		kill -TERM "$mk_pid" 2>/dev/null || true
		wait "$mk_pid" 2>/dev/null || true
	fi
	# qemu_pid is timeout(1)'s pid in batch mode; TERM is passed on to qemu.
	if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		kill -TERM "$qemu_pid" 2>/dev/null || true
		wait "$qemu_pid" 2>/dev/null || true
	fi
	if [ -n "$tee_pid" ]; then
		wait "$tee_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "$PROG: interrupted" >&2; exit 130' INT
trap 'echo "$PROG: terminated" >&2; exit 143' TERM HUP

# ---------------------------------------------------------------- initramfs

initrd=$tmp/initramfs.cpio.gz
mk_cmd=("$HERE/mkinitramfs.sh" -o "$initrd" -k "$kver" ${mk_args[@]+"${mk_args[@]}"})
if [ -n "$command" ]; then
	mk_cmd+=(-c "$command")
fi
# In the background so that a signal is handled at once (cleanup stops it).
"${mk_cmd[@]}" &
mk_pid=$!
wait "$mk_pid" || die "mkinitramfs.sh failed"
mk_pid=

# ---------------------------------------------------------------- qemu

# log_buf_len: the default 128 KiB wraps during the suite, and the scan
# below must see the whole log (it fails when the dump lost its start).
append="console=ttyS0 quiet panic=-1 log_buf_len=16M$append_extra"
qemu=(qemu-system-x86_64
	-accel tcg -cpu max            # no /dev/kvm: same on every host
	-smp "${QEMU_SMP:-2}" -m "${QEMU_MEM:-1024}"
	-nographic -no-reboot -nic none
	-kernel "$kernel" -initrd "$initrd")

# SeaBIOS and the boot path emit terminal resets / clear-screen / no-wrap
# sequences on the serial line; drop them so a terminal stays usable.
strip_term_resets() {
	sed -u -e 's/\x1bc//g' -e 's/\x1b\[?7l//g' -e 's/\x1b\[2J//g'
}

if [ "$shell" = 1 ]; then
	append="$append tdxq.shell=1"
	if [ -t 0 ] && size=$(stty size 2>/dev/null) && [ "$size" != "0 0" ]; then
		append="$append tdxq.rows=${size% *} tdxq.cols=${size#* }"
	fi
	qemu+=(-serial mon:stdio -append "$append")
	if [ -n "$log" ]; then
		: >"$log"
		"${qemu[@]}" | tee -a "$log"
	else
		"${qemu[@]}"
	fi
	exit
fi

qemu+=(-append "$append")
console=$tmp/console.log
mkfifo "$tmp/console.fifo"
[ -z "$log" ] || : >"$log" || die "cannot write $log"

# Reports go to stderr and to the log file.
report() {
	if [ -n "$log" ]; then
		printf '%s\n' "$@" | tee -a "$log" >&2
	else
		printf '%s\n' "$@" >&2
	fi
}

# One boot; the console goes to $console (and is added to the log).
boot() {
	: >"$console"
	if [ -n "$log" ]; then
		strip_term_resets <"$tmp/console.fifo" | tee -a "$console" "$log" &
	else
		strip_term_resets <"$tmp/console.fifo" | tee "$console" &
	fi
	tee_pid=$!
	start=$EPOCHREALTIME
	if [ "$timeout" -gt 0 ]; then
		timeout -s TERM -k 10 "$timeout" "${qemu[@]}" </dev/null >"$tmp/console.fifo" 2>&1 &
	else
		"${qemu[@]}" </dev/null >"$tmp/console.fifo" 2>&1 &
	fi
	qemu_pid=$!
	qemu_rc=0
	wait "$qemu_pid" || qemu_rc=$?
	qemu_pid=
	wait "$tee_pid" || true
	tee_pid=
	elapsed=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
}

# timeout(1) exits 124, or 137 if qemu ignored TERM and needed a KILL.
timed_out() {
	[ "$timeout" -gt 0 ] && { [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; } &&
		awk -v e="$elapsed" -v t="$timeout" 'BEGIN { exit !(e >= t) }'
}

# A guest that died before its init printed TDXQ-INIT never ran the
# command or loaded a module: under heavy host load a TCG guest has (once)
# ended silently right after the firmware. Such a boot is said and done
# again, once; a second one fails as any guest that died.
boot
if ! timed_out && ! grep -a -q -x -e 'TDXQ-INIT' -e $'TDXQ-INIT\r' "$console"; then
	report "$PROG: the guest ended before its init ran (qemu exit status $qemu_rc, ${elapsed}s): booting it once more"
	boot
fi

if timed_out; then
	report "$PROG: TIMEOUT after ${timeout}s: VM killed"
	exit 124
fi

# ---------------------------------------------------------------- verdict

tr -d '\r' <"$console" >"$tmp/console.txt"

# The exit marker counts only right after the end of a dmesg dump, so a
# command printing "TDXQ-EXIT=0" itself cannot fake it.
rc=$(awk '
	after_dmesg && /^TDXQ-EXIT=[0-9]+$/ { rc = substr($0, 11) }
	{ after_dmesg = ($0 == "TDXQ-DMESG-END") }
	END { print rc }
' "$tmp/console.txt")

# The last complete dmesg dump; without one (guest died), the whole console.
awk '
	/^TDXQ-DMESG-BEGIN$/ { buf = ""; inside = 1; next }
	/^TDXQ-DMESG-END$/   { if (inside) { out = buf; found = 1 } inside = 0; next }
	inside               { buf = buf $0 "\n" }
	END                  { printf "%s", out; exit !found }
' "$tmp/console.txt" >"$tmp/dmesg.txt" || cp "$tmp/console.txt" "$tmp/dmesg.txt"

bad='Kernel panic|WARNING:|BUG:|Oops|Call Trace|general protection|KASAN|UBSAN|kmemleak|possible circular locking|sleeping function called from invalid context'
expected='loading out-of-tree module taints kernel|module verification failed: signature and/or required key missing|kmemleak: Kernel memory leak detector initialized|kmemleak: Automatic memory scanning thread started'
problems=$(grep -a -E "$bad" "$tmp/dmesg.txt" | grep -a -v -E "$expected" || true)
# A dump that does not start at boot lost messages the scan never saw.
if [ -n "$rc" ] && ! head -n 1 "$tmp/dmesg.txt" | grep -a -q -E '^\[ *0\.0+\] '; then
	problems="${problems:+$problems
}the kernel log wrapped: the dump starts at '$(head -n 1 "$tmp/dmesg.txt" | cut -c1-60)', not at boot"
fi

if [ -n "$problems" ]; then
	report "" \
		"======================================================================" \
		"$PROG: KERNEL PROBLEMS IN DMESG:" \
		"$problems" \
		"======================================================================"
fi

if [ -z "$rc" ]; then
	report "$PROG: no TDXQ-EXIT marker: the guest died (kernel panic?); qemu exit status $qemu_rc"
	exit 125
fi
if [ -n "$problems" ]; then
	report "$PROG: FAIL: kernel problems in dmesg (command exit status $rc, ${elapsed}s)"
	exit 126
fi
report "$PROG: command exit status $rc (${elapsed}s)"
exit "$rc"
