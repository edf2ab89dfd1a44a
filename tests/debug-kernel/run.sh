#!/bin/bash
# make debug-test: the whole VM suite on the debug kernel (KASAN, UBSAN,
# lockdep, atomic-sleep checks, kmemleak, fault injection, and
# CONFIG_INTEL_TDX_GUEST=y, which compile-tests the real TDX host path).
#
# 1. build.sh builds the kernel once (cached outside the clone);
# 2. the modules (and the suite's dummy module) are built against it with
#    W=1, failing on any compiler warning, and checked by sparse;
# 3. the VM boots it with the suite (vm-suite.sh: kmemleak cleared before,
#    scanned after; a reported leak fails); run.sh's kernel-log scan fails
#    the run on any KASAN/UBSAN/lockdep/BUG/WARNING/atomic-sleep report;
#    then the notify group again under irqaffinity=0, and the kmemleak
#    gate's own check: tdxq_leaky.ko leaks on purpose and the gate must
#    fail on it.
# All three are tests/matrix/kernel.sh's steps for the suite "debug".
set -euo pipefail
exec "$(dirname "$0")/../matrix/kernel.sh" debug build sparse vm
