#!/bin/bash
# pkg-test.sh - the Debian packages, end to end, on this machine (as root).
#
#   1. lintian on the packages `make deb` built (DEB_DIR): no error, no
#      warning; the versions in VERSION, debian/changelog, dkms.conf and
#      the .debs agree
#   2. apt install the three packages: DKMS builds both modules for KVER
#      (a kernel that need not be the running one) and `dkms status` says
#      installed; modinfo, `tdx-quote --version` and the package agree on
#      the version; the header compiles
#   3. boot KVER in the VM with the installed /lib/modules/KVER tree (the
#      DKMS modules in updates/dkms, index rebuilt by depmod), the
#      packaged CLI and modprobe.d file, and kmod's modprobe:
#      `modprobe tdx_quote` refuses (not a TD), `modprobe tdx_quote
#      host=sim` loads both modules by name, `tdx-quote quote` works,
#      `modprobe -r` unloads them
#   4. purge: no module built by DKMS, no file of any package, no DKMS
#      state is left, and /lib/modules/KVER is as it was before the test
#   5. upgrade: install an older version (built here from the same tree),
#      then this one over it: DKMS rebuilds and one version is registered;
#      purge again and check again
#
# The machine is left as found: the packages are purged at the end and on
# any failure (trap), and leftovers of an interrupted run are purged
# first. So a tdx-quote installed from packages on this machine is purged
# too. Runs are serialised by a lock.
#
# usage: pkg-test.sh DEB_DIR     (DEB_DIR as built by tests/pkg/build-deb.sh)
# Environment: KVER (default: newest /boot/vmlinuz-*-amd64 that has
# headers), PKG_TEST_WORK (scratch directory, default build/pkg-test).
set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
PKGS=(tdx-quote-dkms tdx-quote-tools tdx-quote-dev)
NAME=tdx-quote
MODULES=(tdx_quote tdx_quote_sim)

[ $# -eq 1 ] || { echo "usage: $PROG DEB_DIR" >&2; exit 2; }
deb_dir=$(cd "$1" && pwd)
work=${PKG_TEST_WORK:-$TOP/build/pkg-test}

if [ "$(id -u)" -ne 0 ]; then
	echo "$PROG: installs packages system-wide: run as root (make check does, in CI)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
for t in apt-get:apt dpkg-query:dpkg dkms:dkms lintian:lintian modinfo:kmod flock:util-linux man:man-db; do
	command -v "${t%%:*}" >/dev/null || {
		echo "$PROG: ${t%%:*} not found: apt-get install ${t#*:} (tests/deps.sh installs it)" >&2
		exit 1
	}
done

# One run at a time: two would install and purge under each other.
exec 9>/run/lock/tdx-quote-pkg-test.lock
flock -w 900 9 || { echo "$PROG: another pkg-test holds the lock" >&2; exit 1; }

if [ -z "${KVER:-}" ]; then
	for img in $(printf '%s\n' /boot/vmlinuz-*-amd64 | sort -Vr); do
		k=${img#/boot/vmlinuz-}
		if [ -d "/lib/modules/$k/build" ]; then
			KVER=$k
			break
		fi
	done
fi
if [ -z "${KVER:-}" ] || [ ! -r "/boot/vmlinuz-$KVER" ] || [ ! -d "/lib/modules/$KVER/build" ]; then
	echo "$PROG: need a kernel image and headers (linux-image-amd64, linux-headers-amd64)" >&2
	exit 1
fi
export KVER       # for run.sh

version=$(cat "$TOP/VERSION")
old_version=$version~pkgtest1
arch=$(dpkg --print-architecture)

# ---------------------------------------------------------------- reporting

passed=0
failed=0
t0=$EPOCHREALTIME
phase_start=$t0
times=()

ok() {
	passed=$((passed + 1))
	echo "  ok   $*"
}

bad() {
	failed=$((failed + 1))
	echo "  FAIL $*"
}

# check DESCRIPTION COMMAND...: one check, passed if COMMAND succeeds.
check() {
	local what=$1
	shift
	if "$@"; then
		ok "$what"
	else
		bad "$what"
	fi
}

# same STRING1 STRING2 DESCRIPTION
same() {
	if [ "$1" = "$2" ]; then
		ok "$3: ${1:-(none)}"
	else
		bad "$3: '$1', expected '$2'"
	fi
}

elapsed() {
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

phase() {
	if [ -n "${phase_name:-}" ]; then
		times+=("$(printf '%-10s %5ss' "$phase_name" "$(elapsed "$phase_start")")")
	fi
	phase_name=$1
	phase_start=$EPOCHREALTIME
	echo
	echo "== $1: $2"
}

# Run a command quietly; show its output only if it fails.
quiet() {
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	if [ $rc -ne 0 ]; then
		echo "  \$ $*  (exit status $rc)"
		printf '%s\n' "$out" | tail -n 40 | sed 's/^/  | /'
	fi
	return $rc
}

# ---------------------------------------------------------------- helpers

# Packages of ours that dpkg knows in any state but "not-installed".
known_packages() {
	dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PKGS[@]}" 2>/dev/null |
		awk '$2 != "not-installed" { print $1 }' || true
}

# Remove every trace of the packages and of DKMS's work for them, quietly
# if there is none. Safe to run at any point, any number of times.
purge_all() {
	local pkgs k ko src found=0
	pkgs=$(known_packages)
	if [ -n "$pkgs" ]; then
		found=1
		# shellcheck disable=SC2086
		apt-get purge -y -q $pkgs >/dev/null 2>&1 || dpkg --purge --force-all $pkgs >/dev/null 2>&1 || true
	fi
	if [ -d "/var/lib/dkms/$NAME" ]; then
		found=1
		dkms remove -m "$NAME" --all >/dev/null 2>&1 || true
		rm -rf "/var/lib/dkms/${NAME:?}"
	fi
	for ko in /lib/modules/*/updates/dkms/tdx_quote.ko* /lib/modules/*/updates/dkms/tdx_quote_sim.ko*; do
		[ -e "$ko" ] || continue
		found=1
		k=${ko#/lib/modules/}
		k=${k%%/*}
		rm -f "$ko"
		depmod "$k" 2>/dev/null || true
	done
	for src in /usr/src/"$NAME"-*; do
		[ -d "$src" ] || continue
		dpkg -S "$src" >/dev/null 2>&1 && continue
		found=1
		rm -rf "$src"
	done
	return $((!found))
}

vm_pid=
on_exit() {
	local rc=$?
	# A signal is handled at once while the VM runs (in the background):
	# stop it (run.sh then stops qemu and removes its files).
	if [ -n "$vm_pid" ]; then
		kill -TERM "$vm_pid" 2>/dev/null || true
		wait "$vm_pid" 2>/dev/null || true
	fi
	if purge_all; then
		echo "$PROG: purged the packages (left installed by a failure)"
	fi
	exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# The state of /lib/modules/KVER: every path with its size, and the
# contents of the index files depmod writes.
modtree_state() {
	(cd "/lib/modules/$KVER" && find . -printf '%p %s\n' | LC_ALL=C sort &&
		md5sum modules.*)
}

debs_of() {
	local dir=$1 v=$2
	echo "$dir/tdx-quote-dkms_${v}_all.deb" "$dir/tdx-quote-tools_${v}_${arch}.deb" \
		"$dir/tdx-quote-dev_${v}_all.deb"
}

# install DIR VERSION: apt install the three .debs.
install_debs() {
	local debs f
	read -r -a debs <<<"$(debs_of "$1" "$2")"
	for f in "${debs[@]}"; do
		[ -f "$f" ] || { echo "  missing $f" >&2; return 1; }
	done
	apt-get install -y -q --no-install-recommends "${debs[@]}" >"$work/apt-$2.log" 2>&1 || {
		sed 's/^/  | /' "$work/apt-$2.log" | grep -v 'Reading database' | tail -n 40
		return 1
	}
	# What DKMS said while installing.
	grep -E '^(Building (for|initial)|Loading|Removing|Deleting|It is likely|Module build)' "$work/apt-$2.log" |
		sed 's/^/  dkms: /' || true
}

# dkms status for our module, one line per version/kernel/arch.
dkms_lines() {
	dkms status -m "$NAME" 2>/dev/null | grep -v '^$' || true
}

installed_version() {
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true
}

# check_installed VERSION: packages, DKMS and the built modules.
check_installed() {
	local v=$1 p m ko
	for p in "${PKGS[@]}"; do
		same "$(installed_version "$p")" "$v" "$p installed version"
	done
	same "$(dkms_lines)" "$NAME/$v, $KVER, x86_64: installed" "dkms status (one line)"
	for m in "${MODULES[@]}"; do
		ko=/lib/modules/$KVER/updates/dkms/$m.ko
		if [ -f "$ko" ]; then
			same "$(modinfo -F version "$ko")" "$v" "$m.ko MODULE_VERSION"
			same "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" "$KVER" "$m.ko built for"
		else
			bad "$ko: missing"
		fi
	done
	same "$(/usr/bin/tdx-quote --version)" "tdx-quote $v" "tdx-quote --version"
}

# check_purged STATE_FILE FILE_LIST: nothing of ours is left.
check_purged() {
	local state=$1 list=$2 left=() f
	same "$(known_packages | tr '\n' ' ')" "" "packages known to dpkg after purge"
	same "$(dkms_lines)" "" "dkms status after purge"
	check "no /var/lib/dkms/$NAME" test ! -e "/var/lib/dkms/$NAME"
	f=$(find /lib/modules -name 'tdx_quote*.ko*' 2>/dev/null | tr '\n' ' ')
	same "$f" "" "modules left in /lib/modules"
	f=$(find /usr/src -maxdepth 1 -name "$NAME-*" | tr '\n' ' ')
	same "$f" "" "sources left in /usr/src"
	# Every path the packages had: gone, or a directory another package
	# owns (/usr/src, /etc/modprobe.d, /usr/include/linux, ...).
	while IFS= read -r f; do
		case $f in /. | "") continue ;; esac
		[ -e "$f" ] || [ -L "$f" ] || continue
		if [ -d "$f" ] && [ ! -L "$f" ] && dpkg -S "$f" >/dev/null 2>&1; then
			continue
		fi
		left+=("$f")
	done <"$list"
	same "${left[*]+${left[*]}}" "" "files of the packages left ($(wc -l <"$list") checked)"
	if modtree_state | cmp -s - "$state"; then
		ok "/lib/modules/$KVER as before the test (files and depmod indexes)"
	else
		bad "/lib/modules/$KVER differs from before the test:"
		modtree_state | diff "$state" - | head -n 20 | sed 's/^/  | /'
	fi
}

# file_lists OUT: every path of the installed packages.
file_lists() {
	local p
	for p in "${PKGS[@]}"; do
		dpkg -L "$p" 2>/dev/null || true
	done | LC_ALL=C sort -u >"$1"
}

# ---------------------------------------------------------------- 0. start

mkdir -p "$work"
echo "$PROG: tdx-quote $version, packages from $deb_dir, kernel $KVER (running $(uname -r))"

phase leftovers "purge what an earlier run may have left"
if purge_all; then
	echo "  purged leftovers of an earlier run"
else
	echo "  none"
fi
modtree_state >"$work/modtree.before"

# ---------------------------------------------------------------- 1. lint

phase lint "lintian and versions"
changes=$deb_dir/tdx-quote_${version}_${arch}.changes
if [ -f "$changes" ]; then
	# Shown in full (with overrides and pedantic tags); judged by a run
	# that fails on any error or warning not overridden.
	lintian --pedantic --show-overrides "$changes" 2>&1 | grep -v 'running with root privileges' |
		sed 's/^/  lintian: /' || true
	if lintian --fail-on error,warning "$changes" >/dev/null 2>&1; then
		ok "lintian: no errors, no warnings ($(basename "$changes"))"
	else
		bad "lintian: errors or warnings:"
		lintian --fail-on error,warning "$changes" 2>&1 | grep -v 'running with root' | sed 's/^/  | /'
	fi
else
	bad "no $changes (make deb)"
fi
same "$(dpkg-parsechangelog -l "$TOP/debian/changelog" -SVersion)" "$version" "debian/changelog version"
for f in $(debs_of "$deb_dir" "$version"); do
	if [ -f "$f" ]; then
		same "$(dpkg-deb -f "$f" Version)" "$version" "$(basename "$f") version"
	else
		bad "missing $f"
	fi
done
f=$(debs_of "$deb_dir" "$version")
f=${f%% *}
same "$(dpkg-deb --fsys-tarfile "$f" | tar -xO "./usr/src/$NAME-$version/dkms.conf" 2>/dev/null |
	sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p')" "$version" "dkms.conf PACKAGE_VERSION"

# The older version the upgrade starts from: same tree, version lowered.
if quiet "$HERE/build-deb.sh" --binary-only --version "$old_version" "$work/old"; then
	ok "built $old_version to upgrade from"
else
	bad "could not build $old_version"
fi

# ---------------------------------------------------------------- 2. install

phase install "apt install ./tdx-quote-*.deb, DKMS builds for $KVER"
if install_debs "$deb_dir" "$version"; then
	ok "apt install"
else
	bad "apt install"
fi
check_installed "$version"
same "$(modprobe -S "$KVER" --show-depends tdx_quote 2>&1 | sed 's/ *$//')" \
	"insmod /lib/modules/$KVER/updates/dkms/tdx_quote.ko" "modprobe -S $KVER resolves tdx_quote"
check "modprobe.d file installed" test -f /etc/modprobe.d/tdx-quote.conf
check "man page installed" quiet man -w tdx-quote
printf '#include <linux/tdx_quote.h>\nint main(void) { return TDX_QUOTE_CMD_GET_QUOTE == 0; }\n' \
	>"$work/uapi.c"
check "/usr/include/linux/tdx_quote.h compiles (C90)" \
	quiet cc -std=c90 -pedantic -Wall -Werror -o "$work/uapi" "$work/uapi.c"

# ---------------------------------------------------------------- 3. VM

phase vm "boot $KVER with the installed module tree, modprobe, quote, modprobe -r"
vm_rc=0
"$TOP/tests/vm/run.sh" --timeout 300 --log "$work/vm.log" \
	-T "/lib/modules/$KVER" \
	-a /usr/bin/tdx-quote:/usr/bin/tdx-quote \
	-a /etc/modprobe.d/tdx-quote.conf:/etc/modprobe.d/tdx-quote.conf \
	-a "$HERE/vm-smoke.sh:/tdxq/bin/vm-smoke.sh" \
	-- "sh /tdxq/bin/vm-smoke.sh $version" >"$work/vm.out" 2>&1 &
vm_pid=$!
wait "$vm_pid" || vm_rc=$?
vm_pid=
tr -d '\r' <"$work/vm.out" | sed -n 's/^PKGTEST-OK /  ok   vm: /p; s/^PKGTEST-FAIL /  FAIL vm: /p'
passed=$((passed + $(grep -ac '^PKGTEST-OK ' "$work/vm.out" || true)))
failed=$((failed + $(grep -ac '^PKGTEST-FAIL ' "$work/vm.out" || true)))
same "$(grep -ac '^PKGTEST-' "$work/vm.out" || true)" 12 "checks run in the VM"
grep -a -E '^TDX quote v|run.sh:' "$work/vm.out" | sed 's/^/  vm: /' || true
check "tdx_quote logged 'version $version ready, host sim'" \
	grep -aq "tdx_quote: version $version ready, host sim" "$work/vm.out"
if [ "$vm_rc" = 0 ]; then
	ok "VM exit status 0, no kernel warnings"
else
	bad "VM exit status $vm_rc (126: kernel problems in dmesg); console: $work/vm.log"
	grep -a -v '^\[' "$work/vm.out" | tail -n 30 | sed 's/^/  | /'
fi

# ---------------------------------------------------------------- 4. purge

phase purge "apt purge: nothing of the packages left"
file_lists "$work/files-$version.lst"
if quiet apt-get purge -y -q "${PKGS[@]}"; then
	ok "apt purge"
else
	bad "apt purge"
fi
check_purged "$work/modtree.before" "$work/files-$version.lst"

# ---------------------------------------------------------------- 5. upgrade

phase upgrade "install $old_version, upgrade to $version"
if install_debs "$work/old" "$old_version"; then
	ok "apt install $old_version"
else
	bad "apt install $old_version"
fi
check_installed "$old_version"
file_lists "$work/files-$old_version.lst"
if install_debs "$deb_dir" "$version"; then
	ok "apt install $version over $old_version"
else
	bad "apt install $version over $old_version"
fi
check_installed "$version"
same "$(cd "/var/lib/dkms/$NAME" 2>/dev/null && find . -mindepth 1 -maxdepth 1 ! -type l -printf '%P ')" \
	"$version " "versions in /var/lib/dkms/$NAME"
check "/usr/src/$NAME-$old_version removed" test ! -e "/usr/src/$NAME-$old_version"
check "DKMS build log of $version for $KVER" \
	test -s "/var/lib/dkms/$NAME/$version/$KVER/x86_64/log/make.log" -o \
	-s "/var/lib/dkms/$NAME/$version/build/make.log"

file_lists "$work/files-$version.lst"
cat "$work/files-$old_version.lst" >>"$work/files-$version.lst"
if quiet apt-get purge -y -q "${PKGS[@]}"; then
	ok "apt purge after the upgrade"
else
	bad "apt purge after the upgrade"
fi
check_purged "$work/modtree.before" "$work/files-$version.lst"

# ---------------------------------------------------------------- summary

phase summary ""
echo "times:"
printf '  %s\n' "${times[@]}"
printf '  %-10s %5ss\n' total "$(elapsed "$t0")"
echo "$PROG: $passed passed, $failed failed"
[ "$failed" = 0 ]
