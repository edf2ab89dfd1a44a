#!/bin/bash
# tests/fresh/check.sh - `make check` on a fresh machine: run every step
# whose tools come from packages in a clean Debian 12 chroot that holds a
# minbase debootstrap plus ONLY what tests/deps.sh installs (deps.sh itself
# runs in the chroot). A package missing from deps.sh fails a step here,
# whatever the machine running this has installed by hand.
#
#   tests/fresh/check.sh [--rev REV] [--steps S1,S2,...] [--refresh]
#                        [--rebuild-kernel] [--keep]
#
#   --rev REV         test `git archive REV` instead of the work tree's
#                     tracked files as they are on disk (the default)
#   --steps LIST      run only these steps (default: all of them but
#                     make-check), in this order:
#       deps          deps.sh --check in the chroot: nothing is missing
#       build         make modules tools (the Makefile's own KVER choice,
#                     which must be the chroot's linux-headers)
#       unit          make unit
#       checkpatch    make checkpatch (kernel-scripts.sh from linux-source)
#       sparse        make sparse (tests/matrix/kernel.sh host sparse)
#       uapi-check    make uapi-check
#       debug-kernel  tests/debug-kernel/build.sh (the debug kernel, built
#                     with the chroot's tools), then tests/matrix/kernel.sh
#                     debug build sparse: the modules against it, W=1 and
#                     sparse, warning-free
#       deb           make deb
#       vm-selftest   tests/vm/selftest.sh: qemu from the chroot boots the
#                     chroot's kernel, loads an out-of-tree module
#       bench-smoke   make bench-smoke: the real modules in the VM
#     and, only when asked for:
#       matrix-build  make matrix-build: debootstrap of the Debian 13 and
#                     unstable chroots from in here, W=1 builds and sparse
#                     there (its chroots are cached, in cache/ below). Not
#                     by default: it needs only debootstrap from the list
#                     (the deps step checks it is there), the rest comes
#                     from those chroots, and cold it costs 4-5 minutes
#       make-check    the whole `make check` (long: the VM suite on every
#                     kernel of the matrix)
#   --refresh         rebuild the chroot even if it is cached: a cached
#                     chroot holds the archive's packages of the day it was
#                     made; a fresh machine gets today's
#   --rebuild-kernel  rebuild the debug kernel even if it is cached
#   --keep            keep the run's files (overlay upper dir) for a look
#
# Cache: ${TDXQ_CACHE:-/var/cache/tdx-quote}/fresh/KEY/, KEY = hash of
# `tests/deps.sh --list` (and of RECIPE below): a new package in the list
# means a new chroot. In it:
#   root/         the chroot: debootstrap --variant=minbase bookworm, the
#                 bookworm, -updates and -security sources of a fresh
#                 install, then tests/deps.sh. Never written to after that:
#                 each run works in an overlay on top of it (run/), so every
#                 run starts from exactly that state.
#   cache/        the chroot's /var/cache/tdx-quote (its default TDXQ_CACHE):
#                 the debug kernel that build.sh made in the chroot, with
#                 the chroot's tools, and the matrix chroots. The debug
#                 kernel is kept only while DKKEY (cache/debug-kernel.key)
#                 stays: a hash of build.sh, config.fragment and the
#                 chroot's linux-source version; the deps list is in KEY.
#                 Everything that decides that build is in one of the two,
#                 so a cached kernel is the one this chroot would build
#                 (--rebuild-kernel builds it anyway).
#   run/          the current run: overlay upper dir, logs/ (one log per step)
# The two most recently used KEYs are kept.
#
# Needs root (debootstrap, chroot, mount), debootstrap and git on the host,
# and overlayfs. Mounts (overlay, /proc, the kernel cache) are undone on
# exit, also on Ctrl-C or TERM; processes left in the chroot are ended first.
# Exit status: 0 when every step passed, 1 when one failed, 2 usage.
set -euo pipefail

PROG=fresh/check.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
# Bump when the way the chroot is made changes (suites, debootstrap options).
RECIPE=1
SUITE=bookworm
MIRROR=${TDXQ_FRESH_MIRROR:-http://deb.debian.org/debian}
SECURITY=${TDXQ_FRESH_SECURITY:-http://deb.debian.org/debian-security}
ALL_STEPS=(deps build unit checkpatch sparse uapi-check debug-kernel deb vm-selftest bench-smoke)

usage() {
	sed -n '8,/^# Cache:/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

rev=
steps=()
refresh=0
rebuild_kernel=0
keep=0
while [ $# -gt 0 ]; do
	case $1 in
	--rev) [ $# -ge 2 ] || usage; rev=$2; shift 2 ;;
	--steps) [ $# -ge 2 ] || usage; IFS=, read -r -a steps <<<"$2"; shift 2 ;;
	--refresh) refresh=1; shift ;;
	--rebuild-kernel) rebuild_kernel=1; shift ;;
	--keep) keep=1; shift ;;
	-h | --help) usage ;;
	*) echo "$PROG: unknown argument $1" >&2; usage ;;
	esac
done
[ ${#steps[@]} -gt 0 ] || steps=("${ALL_STEPS[@]}")
for s in "${steps[@]}"; do
	case " ${ALL_STEPS[*]} make-check " in
	*" $s "*) ;;
	*) echo "$PROG: unknown step '$s'" >&2; usage ;;
	esac
done

[ "$(id -u)" -eq 0 ] || { echo "$PROG: needs root (debootstrap, chroot, mount)" >&2; exit 1; }
for t in debootstrap:debootstrap git:git flock:util-linux mount:mount chroot:coreutils; do
	command -v "${t%%:*}" >/dev/null || {
		echo "$PROG: ${t%%:*} not found: apt-get install ${t#*:} (tests/deps.sh installs it)" >&2
		exit 1
	}
done
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
	{ echo "$PROG: the kernel has no overlayfs" >&2; exit 1; }

base=${TDXQ_CACHE:-/var/cache/tdx-quote}/fresh
mkdir -p "$base"
exec 9>"$base/.lock"
flock -w 3600 9 || { echo "$PROG: another fresh check holds $base/.lock" >&2; exit 1; }

# ---------------------------------------------------------------- timing

t_total=$EPOCHREALTIME
timings=()
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }'; }
fmt() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# ---------------------------------------------------------------- mounts, cleanup

mounts=()    # in mount order; undone in reverse
run_pid=

# Every process whose root is the chroot was started by this script.
kill_chroot_procs() {
	local root=$1 p pids sig
	for sig in TERM KILL; do
		pids=()
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && pids+=("${p#/proc/}")
		done
		[ ${#pids[@]} -gt 0 ] || return 0
		kill -"$sig" "${pids[@]}" 2>/dev/null || true
		sleep 2
	done
}

undo_mounts() {
	local i m
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		m=${mounts[i]}
		mountpoint -q "$m" || continue
		umount "$m" 2>/dev/null || umount -l "$m" ||
			echo "$PROG: could not unmount $m" >&2
	done
	mounts=()
}

do_mount() { # do_mount TARGET MOUNT-ARGS...
	local target=$1
	shift
	mount "$@" "$target"
	mounts+=("$target")
}

# Whatever is still mounted under $base is this script's (we hold the lock):
# a run killed hard (SIGKILL) leaves mounts that the next run undoes here.
unmount_under_base() {
	local m
	awk -v b="$base/" 'index($2, b) == 1 { print $2 }' /proc/self/mounts | sort -r |
		while read -r m; do
			umount "$m" 2>/dev/null || umount -l "$m" || echo "$PROG: could not unmount $m" >&2
		done
}

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM HUP
	if [ -n "$run_pid" ]; then
		kill -TERM "$run_pid" 2>/dev/null || true
	fi
	for r in "${roots[@]}"; do kill_chroot_procs "$r"; done
	[ -n "$run_pid" ] && wait "$run_pid" 2>/dev/null
	undo_mounts
	unmount_under_base
	[ -n "${stage:-}" ] && rm -rf "$stage"
	if [ "$keep" = 0 ] && [ -n "${run:-}" ] && [ -d "$run/upper" ]; then
		rm -rf "$run/upper" "$run/work" "$run/root"
	fi
	[ -n "${dir:-}" ] && rm -rf "$dir/root.tmp"
	exit "$rc"
}
roots=()
# fd 3: the real stderr, also while a step's output goes to its log
exec 3>&2
trap cleanup EXIT
trap 'printf "\n%s: interrupted\n" "$PROG" >&3; exit 130' INT
trap 'printf "\n%s: terminated\n" "$PROG" >&3; exit 143' TERM HUP

# A command in the background, so a signal is handled at once (cleanup
# ends it and whatever it left in the chroot).
bg() {
	"$@" &
	run_pid=$!
	local rc=0
	wait "$run_pid" || rc=$?
	run_pid=
	return $rc
}

# in_chroot ROOT SCRIPT: run SCRIPT with bash in ROOT, a clean environment.
in_chroot() {
	bg chroot "$1" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive \
		/bin/bash -c "set -euo pipefail; $2"
}

# Leftovers of a run killed hard (SIGKILL).
unmount_under_base
rm -rf "$base"/stage.*

# ---------------------------------------------------------------- the tree

stage=$(mktemp -d "$base/stage.XXXXXX")
if [ -n "$rev" ]; then
	git -C "$TOP" archive "$rev" | tar -x -C "$stage"
	what="git archive $rev"
else
	# tracked files as they are on disk (deleted ones left out)
	(cd "$TOP" && git ls-files -z -c | while IFS= read -r -d '' f; do
		[ -f "$f" ] || [ -L "$f" ] || continue
		printf '%s\0' "$f"
	done | cpio --quiet -0 -pdm "$stage")
	what="work tree $(git -C "$TOP" describe --always --dirty)"
fi
# A git repository, like the clone CI runs in (build-deb.sh copies what git knows).
git -C "$stage" init -q
git -C "$stage" add -A
git -C "$stage" -c user.name=fresh -c user.email=fresh@localhost commit -qm "fresh check"

list=$(bash "$stage/tests/deps.sh" --list)
key=$(printf 'recipe %s %s\n%s\n' "$RECIPE" "$SUITE" "$list" | sha256sum | cut -c1-16)
dir=$base/$key
echo "$PROG: $what; deps list $(echo "$list" | wc -l) packages, key $key"

# ---------------------------------------------------------------- the chroot

[ "$refresh" = 1 ] && rm -rf "$dir"
mkdir -p "$dir"
touch "$dir/used"
# Two keys are kept, this one and the last one used before it (going back
# and forth between two lists, two branches, costs no rebuild).
# shellcheck disable=SC2012  # the names are hex keys
ls -1dt "$base"/*/used 2>/dev/null | sed 's|/used$||' | grep -vxF "$dir" | tail -n +2 |
	while read -r old; do
		echo "$PROG: removing old chroot $old"
		rm -rf "$old"
	done || true
if [ ! -f "$dir/done" ]; then
	rm -rf "$dir/root.tmp" "$dir/root" "$dir/cache"
	t=$EPOCHREALTIME
	echo "$PROG: debootstrap --variant=minbase $SUITE (log: $dir/create.log)"
	if ! bg debootstrap --variant=minbase "$SUITE" "$dir/root.tmp" "$MIRROR" >"$dir/create.log" 2>&1; then
		tail -n 30 "$dir/create.log" >&2
		echo "$PROG: debootstrap failed" >&2
		exit 1
	fi
	timings+=("debootstrap $(elapsed "$t")")
	r=$dir/root.tmp
	roots+=("$r")
	cat >"$r/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
EOF
	cp -L /etc/resolv.conf "$r/etc/resolv.conf"
	printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
	chmod +x "$r/usr/sbin/policy-rc.d"
	mkdir -p "$r/tmp/fresh"
	cp "$stage/tests/deps.sh" "$r/tmp/fresh/deps.sh"
	do_mount "$r/proc" -t proc proc
	t=$EPOCHREALTIME
	echo "$PROG: tests/deps.sh in the chroot"
	if ! in_chroot "$r" "/tmp/fresh/deps.sh && apt-get clean" >>"$dir/create.log" 2>&1; then
		tail -n 30 "$dir/create.log" >&2
		echo "$PROG: tests/deps.sh failed in the chroot" >&2
		exit 1
	fi
	timings+=("deps.sh $(elapsed "$t")")
	undo_mounts
	rm -rf "$r/tmp/fresh"
	roots=()
	mv "$r" "$dir/root"
	echo "$list" >"$dir/packages"
	touch "$dir/done"
else
	echo "$PROG: chroot cached: $dir/root"
fi

# ---------------------------------------------------------------- this run

run=$dir/run
rm -rf "$run"
mkdir -p "$run/upper" "$run/work" "$run/root" "$run/logs"
do_mount "$run/root" -t overlay overlay \
	-o "lowerdir=$dir/root,upperdir=$run/upper,workdir=$run/work"
r=$run/root
roots+=("$r")
do_mount "$r/proc" -t proc proc

kver=$(cd "$r/lib/modules" && for v in *; do [ -d "$v/build" ] && echo "$v"; done | sort -V | tail -n1)
# shellcheck disable=SC2016  # dpkg-query's own ${Version}
src_ver=$(chroot "$r" dpkg-query -W -f='${Version}' 'linux-source-*' 2>/dev/null | head -n1)
dkkey=$( (sha256sum <"$stage/tests/debug-kernel/build.sh"
	sha256sum <"$stage/tests/debug-kernel/config.fragment"
	echo "linux-source $src_ver") | sha256sum | cut -c1-16)
mkdir -p "$dir/cache"
if [ "$rebuild_kernel" = 1 ] || [ "$(cat "$dir/cache/debug-kernel.key" 2>/dev/null)" != "$dkkey" ]; then
	rm -rf "$dir/cache/debug-kernel"
	echo "$dkkey" >"$dir/cache/debug-kernel.key"
fi
mkdir -p "$r/var/cache/tdx-quote"
do_mount "$r/var/cache/tdx-quote" --bind "$dir/cache"

mkdir -p "$r/build"
cp -a "$stage" "$r/build/tdx-quote"
rm -rf "$stage"
stage=
echo "$PROG: chroot kernel headers $kver, linux-source $src_ver, host uname -r $(uname -r)"

# ---------------------------------------------------------------- steps

# shellcheck disable=SC2016  # expanded in the chroot
# What each step runs in the chroot, in /build/tdx-quote. The per-run
# TDXQ_CACHE (kernel-scripts) is inside the overlay: gone after the run.
step_cmd() {
	case $1 in
	deps) echo 'tests/deps.sh --check' ;;
	build) echo "make modules tools
		v=\$(modinfo -F vermagic tdx_quote.ko | cut -d' ' -f1)
		[ \"\$v\" = $kver ] || { echo \"tdx_quote.ko built for '\$v', not the chroot's $kver\"; exit 1; }
		echo \"modules built for \$v\"" ;;
	unit) echo 'make unit' ;;
	# checkpatch.pl and kernel-doc extracted anew each run (tar, xz)
	checkpatch) echo 'TDXQ_CACHE=/tmp/tdxq-cache make checkpatch' ;;
	sparse) echo 'make sparse' ;;
	uapi-check) echo 'make uapi-check' ;;
	debug-kernel) echo 'kdir=$(tests/debug-kernel/build.sh)
		echo "debug kernel: $kdir"
		tests/matrix/kernel.sh debug build sparse' ;;
	matrix-build) echo 'make matrix-build' ;;
	deb) echo 'make deb' ;;
	vm-selftest) echo "KVER=$kver tests/vm/selftest.sh" ;;
	bench-smoke) echo 'make modules >/dev/null && make bench-smoke' ;;
	make-check) echo 'make check' ;;
	esac
}

failed=()
for s in "${steps[@]}"; do
	log=$run/logs/$s.log
	t=$EPOCHREALTIME
	printf '%s: %-13s ' "$PROG" "$s"
	if in_chroot "$r" "cd /build/tdx-quote; $(step_cmd "$s")" >"$log" 2>&1; then
		d=$(elapsed "$t")
		echo "ok    $(fmt "$d")"
		timings+=("$s $d")
	else
		d=$(elapsed "$t")
		echo "FAIL  $(fmt "$d")  (log: $log)"
		timings+=("$s $d FAIL")
		failed+=("$s")
		tail -n 25 "$log" | sed 's/^/    | /'
		# A tool or header that is not there: name it.
		if grep -aE ': not found$|command not found|fatal error: .*: No such file or directory|cannot find -l|not found: apt-get install' "$log" |
			head -n 5 | sed 's/^/    missing: /' | grep .; then
			echo "    $PROG: the step needs a tool or header that tests/deps.sh does not install:" \
				"add its package there"
		fi
	fi
done

# ---------------------------------------------------------------- report

echo "$PROG: times (seconds):"
for x in "${timings[@]}"; do echo "    $x"; done
echo "    total $(elapsed "$t_total")"
echo "    disk: chroot $(du -sh "$dir/root" | cut -f1), cache (debug kernel, matrix) $(du -sh "$dir/cache" | cut -f1), this run $(du -sh "$run/upper" | cut -f1)"
if [ ${#failed[@]} -gt 0 ]; then
	echo "$PROG: FAILED: ${failed[*]} (logs in $run/logs/)"
	exit 1
fi
echo "$PROG: all ${#steps[@]} steps passed in a fresh $SUITE chroot with only tests/deps.sh's packages"
