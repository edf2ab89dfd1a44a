#!/bin/sh
# vm-suite.sh - runs in the VM on the debug kernel (tests/matrix/kernel.sh
# debug vm): the whole suite between a cleared kmemleak and two scans
# after it; any leak kmemleak then reports fails the run. Arguments: the
# groups to run (default: all).
kml=/sys/kernel/debug/kmemleak
[ -w $kml ] || { echo "kmemleak is not available"; exit 1; }
# A kmemleak that turned itself off refuses the writes: that fails too.
echo clear > $kml || { echo "debug-test: kmemleak refuses clear (disabled?)"; exit 1; }
TDXQ_REQUIRE_FAULTS=1 tdxq-vmtest "$@"
rc=$?
# Two scans: kmemleak reports an object only once it stayed unreferenced
# across scans.
for pass in 1 2; do
	echo scan > $kml || { echo "debug-test: kmemleak refuses scan (disabled?)"; exit 1; }
	[ $pass = 2 ] || sleep 6
done
# (debugfs files report size 0: read the content, not the size)
if grep -q . $kml; then
	echo "debug-test: kmemleak reports leaks:"
	cat $kml
	exit 1
fi
echo "debug-test: kmemleak: no leaks"
exit $rc
