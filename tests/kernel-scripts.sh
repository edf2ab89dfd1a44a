#!/bin/bash
# Print the path of a scripts/ directory holding checkpatch.pl and
# kernel-doc, extracting them (with the files they read) from Debian's
# linux-source tarball into a cache on first use.
set -euo pipefail
cache=${TDXQ_CACHE:-/var/cache/tdx-quote}/kernel-scripts
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1)
if [ -z "$tarball" ]; then
	echo "no /usr/src/linux-source-*.tar.xz: apt-get install linux-source" >&2
	exit 1
fi
top=$(basename "$tarball" .tar.xz)
if [ ! -f "$cache/$top/scripts/kernel-doc" ]; then
	mkdir -p "$cache"
	tar -xJf "$tarball" -C "$cache" --wildcards \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch" "$top/scripts/kernel-doc" >&2
fi
echo "$cache/$top/scripts"
