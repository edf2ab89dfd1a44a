#!/bin/bash
# Build (once) the debug kernel described by config.fragment from Debian's
# linux-source tarball, and print the directory holding the build tree.
# Cached outside the clone, keyed by the fragment's content (not its path:
# every clone shares it) and the source version,
# so repeat runs skip the build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1)
[ -n "$tarball" ] || { echo "debug kernel: no /usr/src/linux-source-*.tar.xz: apt-get install linux-source (tests/deps.sh installs it)" >&2; exit 1; }
key=$( (sha256sum < "$here/config.fragment"; basename "$tarball"; \
	stat -c %s "$tarball") | sha256sum | cut -c1-16)
cache=${TDXQ_CACHE:-/var/cache/tdx-quote}/debug-kernel
out=$cache/$key
if [ -f "$out/done" ]; then
	echo "$out/build"
	exit 0
fi
# One build (or copy) at a time: another clone may be making this one.
mkdir -p "$cache"
exec 9>"$cache/$key.lock"
flock -w 3600 9 || { echo "debug kernel: another run holds $cache/$key.lock" >&2; exit 1; }
if [ -f "$out/done" ]; then
	echo "$out/build"
	exit 0
fi
# The fresh-machine check (tests/fresh/check.sh, earlier in make check)
# builds this same kernel (same key: fragment and linux-source) in its
# clean Debian 12 chroot, whose /var/cache/tdx-quote is this very path
# there. Where it did, take that build rather than make a second one: the
# tree is at the absolute path it was built at, so it needs no relocation.
if [ "$cache" = /var/cache/tdx-quote/debug-kernel ]; then
	for seed in /var/cache/tdx-quote/fresh/*/cache/debug-kernel/"$key"; do
		[ -f "$seed/done" ] || continue
		echo "debug kernel: $key taken from the fresh-machine check's build ($seed)" >&2
		rm -rf "$out.tmp" "$out"
		cp -a "$seed" "$out.tmp"
		mv "$out.tmp" "$out"
		echo "$out/build"
		exit 0
	done
fi
# The tools the build needs (tests/deps.sh installs them all).
need() {
	command -v "$1" >/dev/null ||
		{ echo "debug kernel: $1 not found: apt-get install $2 (tests/deps.sh installs it)" >&2; exit 1; }
}
need tar tar
need xz xz-utils
need make build-essential
need gcc build-essential
need perl perl
need flex flex
need bison bison
need bc bc
# objtool (x86-64, ORC unwinder) is built against libelf
echo '#include <gelf.h>' | gcc -E -x c - >/dev/null 2>&1 ||
	{ echo "debug kernel: gelf.h not found: apt-get install libelf-dev (tests/deps.sh installs it)" >&2; exit 1; }
mkdir -p "$cache"
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
echo "debug kernel: building $key from $(basename "$tarball") (several minutes)" >&2
tar -xJf "$tarball" -C "$out.tmp"
mv "$out.tmp"/linux-source-* "$out.tmp/build"
cd "$out.tmp/build"
make -s allnoconfig >&2
scripts/kconfig/merge_config.sh -m .config "$here/config.fragment" >&2
make -s olddefconfig >&2
# Every option asked for must have landed (a missing dependency drops it).
missing=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	grep -qx "$line" .config || { echo "debug kernel: $line did not land in .config" >&2; missing=1; }
done < "$here/config.fragment"
[ $missing -eq 0 ] || exit 1
make -s -j"$(nproc)" bzImage modules >&2
cd - >/dev/null
rm -rf "$out"
mv "$out.tmp" "$out"
touch "$out/done"
echo "$out/build"
