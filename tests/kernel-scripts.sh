#!/bin/bash
# Print the path of a scripts/ directory holding checkpatch.pl and
# kernel-doc, extracting them (with the files they read) from Debian's
# linux-source tarball into a cache on first use.
set -euo pipefail
cache=${TDXQ_CACHE:-/var/cache/tdx-quote}/kernel-scripts
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1)
if [ -z "$tarball" ]; then
	echo "no /usr/src/linux-source-*.tar.xz: apt-get install linux-source (tests/deps.sh installs it)" >&2
	exit 1
fi
top=$(basename "$tarball" .tar.xz)
# checkpatch.pl needs perl's full module set (Term::ANSIColor, Encode),
# not only perl-base.
perl -MTerm::ANSIColor -MEncode -e 1 2>/dev/null ||
	{ echo "perl (with its modules) not found: apt-get install perl (tests/deps.sh installs it)" >&2; exit 1; }
if [ ! -f "$cache/$top/scripts/kernel-doc" ]; then
	for t in tar:tar xz:xz-utils; do
		command -v "${t%%:*}" >/dev/null || {
			echo "${t%%:*} not found: apt-get install ${t#*:} (tests/deps.sh installs it)" >&2
			exit 1
		}
	done
	# Into a directory of this run's own, then renamed: a second clone
	# never sees a half-extracted copy.
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.extract.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	tar -xJf "$tarball" -C "$tmp" --wildcards \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch" "$top/scripts/kernel-doc" >&2
	rm -rf "${cache:?}/$top"
	mv "$tmp/$top" "$cache/$top"
fi
echo "$cache/$top/scripts"
