#!/bin/sh
# vm-suite.sh - runs in the VM on the debug kernel (tests/matrix/kernel.sh
# debug vm): the whole suite between a cleared kmemleak and two scans
# after it; any leak kmemleak then reports fails the run. Arguments: the
# groups to run (default: all).
#
# vm-suite.sh --leak-selftest: the gate's own check, in a VM run of its
# own (kernel.sh): the test-only module tdxq_leaky leaks on purpose and
# the same gate must report it; exits with the gate's status (1).
kml=/sys/kernel/debug/kmemleak
[ -w $kml ] || { echo "kmemleak is not available"; exit 1; }

# The gate: 0 when kmemleak reports nothing, 1 (report printed) when it
# reports a leak, 2 when it refuses to scan.
kmemleak_gate() {
	# Two scans: kmemleak reports an object only once it stayed
	# unreferenced across scans.
	for pass in 1 2; do
		echo scan > $kml || { echo "debug-test: kmemleak refuses scan (disabled?)"; return 2; }
		[ $pass = 2 ] || sleep 6
	done
	# (debugfs files report size 0: read the content, not the size)
	if grep -q . $kml; then
		echo "debug-test: kmemleak reports leaks:"
		cat $kml
		return 1
	fi
	echo "debug-test: kmemleak: no leaks"
	return 0
}

# A kmemleak that turned itself off refuses the writes: that fails too.
echo clear > $kml || { echo "debug-test: kmemleak refuses clear (disabled?)"; exit 1; }
if [ "${1:-}" = --leak-selftest ]; then
	modprobe tdxq_leaky || { echo "debug-test: cannot load tdxq_leaky"; exit 2; }
	# (loaded while kmemleak reads: its backtrace names the module's code)
	kmemleak_gate
	exit $?
fi
TDXQ_REQUIRE_FAULTS=1 tdxq-vmtest "$@"
rc=$?
kmemleak_gate || exit 1
exit $rc
