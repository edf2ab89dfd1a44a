# SPDX-License-Identifier: GPL-2.0
# tdx-quote: top-level build. `make` builds the modules and the CLI;
# `make check` runs every test (host unit tests and the VM suite).

KVER ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else ls -1 /lib/modules | sort -V | while read v; do \
	[ -d /lib/modules/$$v/build ] && echo $$v; done | tail -n1; fi)
KDIR ?= /lib/modules/$(KVER)/build
VERSION := $(shell cat VERSION)

MODULES := tdx_quote.ko tdx_quote_sim.ko

.PHONY: all modules tools clean check check-long unit vm-test vm-shell demo demo-run checkpatch sparse deps \
	uapi-check deb pkg-test

all: modules tools

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools TDX_QUOTE_VERSION=$(VERSION)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/vm clean

# Install what the build and the tests need (Debian 12, as root).
deps:
	tests/deps.sh

unit: tools
	$(MAKE) -C tests/unit check

vm-test: modules tools
	$(MAKE) -C tests/vm check KVER=$(KVER)

# The VM suite with the full counts of the abuse groups (fuzzer calls,
# load/unload cycles, seconds of load): README, "Bad input and load".
check-long: modules tools
	$(MAKE) -C tests/vm check KVER=$(KVER) LONG=1

vm-shell: modules tools
	$(MAKE) -C tests/vm shell KVER=$(KVER)

# deps first, then a fresh make: KVER is only known once headers are in.
demo:
	tests/deps.sh
	$(MAKE) demo-run

demo-run: modules tools
	KVER=$(KVER) tests/vm/demo.sh

KERNEL_SCRIPTS = $(shell tests/kernel-scripts.sh)
KERNEL_SOURCES = src/*.c src/sim/*.c src/sim/*.h include/*.h uapi/linux/*.h

# checkpatch --strict, and kernel-doc on every documented function/struct.
checkpatch:
	@scripts=$(KERNEL_SCRIPTS) && \
	perl $$scripts/checkpatch.pl --no-tree --strict --quiet --terse \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f $(KERNEL_SOURCES) && \
	perl $$scripts/kernel-doc -none -Werror $(KERNEL_SOURCES) && \
	echo "checkpatch --strict and kernel-doc: clean"

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 CF="-D__CHECK_ENDIAN__" modules 2>&1 | \
		tee $(CURDIR)/.sparse.log; \
	! grep -E "warning|error" $(CURDIR)/.sparse.log

# The uapi header must stand alone in strict C90 userspace.
uapi-check:
	printf '#include <linux/tdx_quote.h>\nint main(void) { return 0; }\n' | \
		$(CC) -std=c90 -pedantic -Wall -Wextra -Werror -Iuapi -x c -o /dev/null -

# The VM suite on a debug kernel (KASAN, UBSAN, lockdep, kmemleak, fault
# injection, CONFIG_INTEL_TDX_GUEST=y) built once from linux-source and
# cached under /var/cache/tdx-quote: see tests/debug-kernel/.
.PHONY: debug-test
debug-test: tools
	tests/debug-kernel/run.sh

# Debian packages (tdx-quote-dkms, -tools, -dev), unsigned, built from a
# clean copy of the tree; everything lands in $(DEB_DIR).
DEB_DIR := build/deb

deb:
	tests/pkg/build-deb.sh $(DEB_DIR)

# Install the packages on this machine (root), DKMS-build for $(KVER),
# modprobe and quote in the VM, purge, upgrade: see tests/pkg/pkg-test.sh.
pkg-test: deb
	KVER=$(KVER) tests/pkg/pkg-test.sh $(DEB_DIR)

# Performance against the simulated host in the test VM: latency,
# throughput, counters and memory, for interrupt mode, adaptive polling and
# an upstream-equivalent configuration (tests/bench/). Writes the table and
# CSV to build/bench/; never fails on timing. bench-smoke is a ~10 s run
# of the same machinery (one tiny configuration per mode).
.PHONY: bench bench-smoke

bench: modules
	$(MAKE) -C tests/bench bench KVER=$(KVER)

bench-smoke: modules
	$(MAKE) -C tests/bench smoke KVER=$(KVER)

check: uapi-check unit checkpatch sparse vm-test debug-test pkg-test bench-smoke
