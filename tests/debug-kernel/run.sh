#!/bin/bash
# make debug-test: the whole VM suite on the debug kernel (KASAN, UBSAN,
# lockdep, atomic-sleep checks, kmemleak, fault injection, and
# CONFIG_INTEL_TDX_GUEST=y, which compile-tests the real TDX host path).
#
# 1. build.sh builds the kernel once (cached outside the clone);
# 2. the modules (and the suite's dummy module) are built against it in
#    build/debug-kernel/, failing on any compiler warning;
# 3. run.sh boots it with the suite; its kernel-log scan fails the run on
#    any KASAN/UBSAN/lockdep/BUG/WARNING/atomic-sleep report;
# 4. after the suite, kmemleak scans (boot-time reports are cleared first)
#    and any leak it reports fails the run.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

kdir=$(tests/debug-kernel/build.sh)
krel=$(cat "$kdir/include/config/kernel.release")
out=build/debug-kernel
rm -rf "$out"
mkdir -p "$out"
cp -r Kbuild VERSION src include uapi "$out/"
cp -r tests/vm/dummy "$out/dummy"

log=$out/build.log
make -C "$kdir" M="$top/$out" modules > "$log" 2>&1 || { cat "$log"; exit 1; }
make -C "$kdir" M="$top/$out/dummy" modules >> "$log" 2>&1 || { cat "$log"; exit 1; }
if grep -E "warning:|error:" "$log"; then
	echo "debug-test: the modules do not build cleanly against the debug kernel" >&2
	exit 1
fi
echo "debug-test: modules built against $krel without warnings"

make -C tests/vm build/tdxq-vmtest > /dev/null
make -C tools > /dev/null

QEMU_MEM=${QEMU_MEM:-2048} VMLINUZ="$kdir/arch/x86/boot/bzImage" KVER="$krel" \
tests/vm/run.sh --timeout "${TIMEOUT:-1800}" \
	-m "$out/tdx_quote.ko" -m "$out/tdx_quote_sim.ko" \
	-m "$out/dummy/dummy_tdx_guest.ko" \
	-a tests/vm/build/tdxq-vmtest:/usr/bin/tdxq-vmtest \
	-a tools/tdx-quote:/usr/bin/tdx-quote -- '
kml=/sys/kernel/debug/kmemleak
[ -w $kml ] || { echo "kmemleak is not available"; exit 1; }
echo clear > $kml
tdxq-vmtest
rc=$?
# Two scans: kmemleak reports an object only once it stayed unreferenced
# across scans.
echo scan > $kml; sleep 6; echo scan > $kml
if [ -s $kml ]; then
	echo "debug-test: kmemleak reports leaks:"
	cat $kml
	exit 1
fi
echo "debug-test: kmemleak: no leaks"
exit $rc
'
