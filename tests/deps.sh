#!/bin/bash
# Install what building and testing tdx-quote needs on Debian 12 (as root).
# Installs only what is missing; safe to run again.
#
#   tests/deps.sh           install the missing packages (root)
#   tests/deps.sh --list    print the package list, one a line (the one list:
#                           tests/fresh/check.sh keys its chroot by it)
#   tests/deps.sh --check   list the missing packages; exit 1 if any
#
# This list is all a machine needs for `make check`: tests/fresh/check.sh
# proves it in a Debian 12 chroot that holds nothing else. Whatever a
# script needs goes here, with the reason.
set -euo pipefail

pkgs=(
	# modules and CLI (gcc, make, libc headers); the Debian kernel to
	# build against and boot in the VM; linux-source for the debug
	# kernel and for checkpatch.pl/kernel-doc (tests/kernel-scripts.sh)
	build-essential linux-headers-amd64 linux-image-amd64 linux-source
	# the debug kernel build (tests/debug-kernel/build.sh): kconfig's
	# lexer and parser, kernel/time/timeconst.bc, objtool (libelf)
	flex bison bc libelf-dev
	# tar -xJ of linux-source; perl for checkpatch.pl, kernel-doc and the
	# kernel's build scripts
	xz-utils perl
	# the test VM (tests/vm): qemu, the initramfs (busybox, kmod, cpio,
	# gzip), pgrep (tests/vm/selftest.sh, tests/bench/bench.sh)
	qemu-system-x86 busybox-static cpio kmod procps
	# unit tests and the VM harness; sparse
	libcmocka-dev libkmod-dev sparse pkg-config
	# Debian packages (make deb, make pkg-test); git: build-deb.sh copies
	# the files git knows
	debhelper dh-dkms dkms lintian openssl man-db git
	# chroots of newer Debian releases for the kernel matrix
	debootstrap
)

case ${1:-} in
--list)
	printf '%s\n' "${pkgs[@]}"
	exit 0
	;;
--check | "") ;;
*)
	echo "usage: ${0##*/} [--list | --check]" >&2
	exit 2
	;;
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "${1:-}" = --check ]; then
	echo "missing packages: ${missing[*]}" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages: ${missing[*]} (run as root to install them)" >&2
	exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
