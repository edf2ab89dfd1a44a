#!/bin/bash
# build-deb.sh - build the Debian packages (source and binaries, unsigned)
# from a clean copy of the work tree, with the results in OUTDIR.
#
# `make deb` runs it with OUTDIR=build/deb. The copy holds the files git
# knows (tracked, or untracked but not ignored), so build products lying
# in the work tree (*.o, *.ko, tools/tdx-quote) never reach a package, and
# dpkg-buildpackage's output (it writes to the parent of the source
# directory) stays in OUTDIR.
#
# --version V builds version V instead of the one in VERSION (VERSION and
# the top debian/changelog entry of the copy are rewritten): the package
# test builds an older version to upgrade from. --binary-only skips the
# source package.
set -euo pipefail

PROG=${0##*/}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

usage() {
	echo "usage: $PROG [--version V] [--binary-only] OUTDIR" >&2
	exit 2
}

version=
binary_only=0
while [ $# -gt 0 ]; do
	case $1 in
	--version) [ $# -ge 2 ] || usage; version=$2; shift 2 ;;
	--binary-only) binary_only=1; shift ;;
	-h | --help) usage ;;
	-*) echo "$PROG: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
out=$1

# tool:package; git only where the copy is made with it (a git work tree)
tools=(dpkg-buildpackage:dpkg-dev dpkg-parsechangelog:dpkg-dev dh:debhelper
	dh_dkms:dh-dkms cpio:cpio make:build-essential)
[ -e "$TOP/.git" ] && tools+=(git:git)
for t in "${tools[@]}"; do
	command -v "${t%%:*}" >/dev/null || {
		echo "$PROG: ${t%%:*} not found: apt-get install ${t#*:} (tests/deps.sh installs it)" >&2
		exit 1
	}
done

[ -n "$version" ] || version=$(cat "$TOP/VERSION")
name=tdx-quote
case $out in
/*) ;;
*) out=$PWD/$out ;;
esac
rm -rf "$out"
src=$out/$name-$version
mkdir -p "$src"

# ---------------------------------------------------------------- clean copy

if git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# -c lists tracked files even when deleted from the work tree: keep
	# only those that exist.
	(cd "$TOP" && git ls-files -z -c -o --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -f "$f" ] || [ -L "$f" ] || continue
			case $f in build/* | *.deb) continue ;; esac
			printf '%s\0' "$f"
		done | cpio --quiet -0 -pdm "$src")
else
	# A release tarball: take everything but build output.
	(cd "$TOP" && find . -mindepth 1 \( -path ./build -o -path ./.git \) -prune -o \
		\( -type f -o -type l \) ! -name '*.o' ! -name '*.ko' ! -name '*.mod*' \
		! -name '.*.cmd' ! -name '*.deb' -print0 | cpio --quiet -0 -pdm "$src")
fi

if [ "$version" != "$(cat "$TOP/VERSION")" ]; then
	echo "$version" >"$src/VERSION"
	sed -i "1s/^$name ([^)]*)/$name ($version)/" "$src/debian/changelog"
fi

# ---------------------------------------------------------------- build

echo "$PROG: building $name $version in $src"
cd "$src"
opts=(-us -uc)
if [ "$binary_only" = 1 ]; then
	opts+=(-b)
fi
log=$out/build.log
if ! dpkg-buildpackage "${opts[@]}" >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	echo "$PROG: dpkg-buildpackage failed; full log: $log" >&2
	exit 1
fi
cd "$out"
echo "$PROG: built in $out (log: build.log):"
for f in ./*.deb ./*.changes ./*.dsc; do
	[ -e "$f" ] && echo "  ${f#./}"
done
exit 0
