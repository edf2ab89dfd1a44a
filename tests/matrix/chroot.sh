#!/bin/bash
# chroot.sh SUITE - a Debian SUITE (trixie, sid, ...) chroot holding that
# suite's newest stock kernel (linux-image-amd64 and linux-headers-amd64),
# its compiler, sparse and DKMS, for the kernel matrix (tests/matrix/).
#
# Prints "ROOT KVER": the chroot's directory and the kernel release its
# linux-headers-amd64 points at.
#
# Made once with debootstrap and cached under
# ${TDXQ_CACHE:-/var/cache/tdx-quote}/matrix/SUITE-KEY, KEY a hash of the
# package list below (a new list makes a new chroot). Once every
# TDXQ_MATRIX_REFRESH_HOURS (default 24; 0: every run) the chroot asks the
# archive again and upgrades the kernel metapackages, so a new kernel
# version in the archive is picked up; the refresh is skipped with a
# message, not failed, when the archive cannot be reached and a kernel is
# already there. Nothing of it touches the machine's own /boot or
# /lib/modules.
#
# Environment: TDXQ_CACHE, TDXQ_MIRROR (default http://deb.debian.org/debian),
# TDXQ_MATRIX_REFRESH_HOURS.
set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/matrix/lib.sh
. "$HERE/lib.sh"

[ $# -eq 1 ] || { echo "usage: $PROG SUITE" >&2; exit 2; }
suite=$1
mirror=${TDXQ_MIRROR:-http://deb.debian.org/debian}
refresh_hours=${TDXQ_MATRIX_REFRESH_HOURS:-24}
pkgs=(build-essential linux-headers-amd64 linux-image-amd64 sparse kmod dkms)

mx_need debootstrap debootstrap
mx_need flock util-linux
[ "$(id -u)" -eq 0 ] || mx_die "makes and enters chroots: run as root"

key=$(printf '%s\n' "$suite" "${pkgs[@]}" | sha256sum | cut -c1-12)
cache=$(mx_cache)/matrix
root=$cache/$suite-$key
mkdir -p "$cache"

exec 8>"$cache/$suite.lock"
flock -w 1800 8 || mx_die "another run holds $cache/$suite.lock"

# apt-get in the chroot, non-interactive; /proc mounted for the time of it.
chroot_apt() {
	mx_in_chroot "$1" env DEBIAN_FRONTEND=noninteractive \
		apt-get -q -o Acquire::Check-Valid-Until=false "${@:2}"
}

if [ ! -f "$root/.tdxq-done" ]; then
	echo "$PROG: making the $suite chroot (debootstrap, several minutes)" >&2
	# A killed run's half-made chroot may still have /proc mounted.
	if mountpoint -q "$root.tmp/proc" 2>/dev/null; then
		umount "$root.tmp/proc" || umount -l "$root.tmp/proc"
	fi
	rm -rf "$root.tmp"
	t0=$SECONDS
	debootstrap --variant=minbase "$suite" "$root.tmp" "$mirror" >"$cache/$suite.debootstrap.log" 2>&1 ||
		{ tail -n 20 "$cache/$suite.debootstrap.log" >&2; mx_die "debootstrap $suite failed"; }
	# An archive snapshot's Release files may be past their Valid-Until.
	echo 'Acquire::Check-Valid-Until "false";' >"$root.tmp/etc/apt/apt.conf.d/99tdxq"
	chroot_apt "$root.tmp" update >&2
	chroot_apt "$root.tmp" install -y --no-install-recommends "${pkgs[@]}" >"$cache/$suite.install.log" 2>&1 ||
		{ tail -n 20 "$cache/$suite.install.log" >&2; mx_die "installing ${pkgs[*]} in the $suite chroot failed"; }
	mv "$root.tmp" "$root"
	touch "$root/.tdxq-done" "$root/.tdxq-refreshed"
	echo "$PROG: $suite chroot made in $((SECONDS - t0)) s: $root" >&2
elif [ "$refresh_hours" = 0 ] ||
	[ -z "$(find "$root/.tdxq-refreshed" -mmin -$((refresh_hours * 60)) 2>/dev/null)" ]; then
	echo "$PROG: $suite: asking the archive for a newer kernel" >&2
	if chroot_apt "$root" update >"$cache/$suite.refresh.log" 2>&1 &&
		chroot_apt "$root" install -y --no-install-recommends "${pkgs[@]}" >>"$cache/$suite.refresh.log" 2>&1; then
		touch "$root/.tdxq-refreshed"
	else
		echo "$PROG: $suite: refresh failed (see $cache/$suite.refresh.log); keeping the kernel there" >&2
	fi
fi

# The release linux-headers-amd64 depends on: linux-headers-KVER (= ...).
kver=$(chroot "$root" dpkg-query -W -f='${Depends}' linux-headers-amd64 |
	tr ',' '\n' | sed -n 's/^ *linux-headers-\([^ ]*-amd64\).*/\1/p' | head -n 1)
[ -n "$kver" ] && [ -d "$root/usr/src/linux-headers-$kver" ] ||
	mx_die "$suite chroot: cannot tell the kernel release of linux-headers-amd64"
echo "$root $kver"
