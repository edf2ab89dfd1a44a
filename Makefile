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
	uapi-check deb pkg-test matrix-start matrix-build matrix-vm matrix-report

all: modules tools

modules:
	@[ -d $(KDIR) ] || { echo "no kernel headers in $(KDIR): apt-get install" \
		"linux-headers-amd64 (tests/deps.sh installs it)" >&2; exit 1; }
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

# The VM suite on this machine's kernel (tests/matrix/kernel.sh host: the
# modules built with W=1, then the suite in the VM).
vm-test: tools
	KVER=$(KVER) tests/matrix/kernel.sh host build vm

# The VM suite with the full counts of the abuse groups (fuzzer calls,
# load/unload cycles, seconds of load): docs/testing.md, "Bad input and load".
check-long: tools
	LONG=1 KVER=$(KVER) tests/matrix/kernel.sh host build vm

vm-shell: modules tools
	$(MAKE) -C tests/vm shell KVER=$(KVER)

# deps first, then a fresh make: KVER is only known once headers are in.
demo:
	tests/deps.sh
	$(MAKE) demo-run

demo-run: modules tools
	KVER=$(KVER) tests/vm/demo.sh

# (tests/vm/dummy: the test modules' sources, not kbuild's generated *.mod.c)
KERNEL_SOURCES = src/*.c src/sim/*.c src/sim/*.h include/*.h uapi/linux/*.h \
	$(filter-out %.mod.c,$(wildcard tests/vm/dummy/*.c))

# checkpatch --strict, and kernel-doc on every documented function/struct.
# An out-of-tree module spans kernels, so it reads LINUX_VERSION_CODE
# (checkpatch's LINUX_VERSION_CODE rule is for code merged upstream): only
# in the compat header, which the grep holds it to.
checkpatch:
	@scripts=$$(tests/kernel-scripts.sh) && \
	perl $$scripts/checkpatch.pl --no-tree --strict --quiet --terse \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,LINUX_VERSION_CODE \
		-f $(KERNEL_SOURCES) && \
	! grep -n LINUX_VERSION_CODE $(filter-out include/tdxq_compat.h,$(wildcard $(KERNEL_SOURCES)) tests/vm/dummy/*.c) && \
	perl $$scripts/kernel-doc -none -Werror $(KERNEL_SOURCES) && \
	echo "checkpatch --strict and kernel-doc: clean"

# sparse on every file against this machine's kernel; fails if sparse did
# not run (tests/matrix/kernel.sh).
sparse:
	KVER=$(KVER) tests/matrix/kernel.sh host sparse

# The kernel matrix (README, "Supported kernels"): this machine's Debian 12
# kernel, the debug kernel (debug-test), and the newest stock kernel of
# each Debian suite in MATRIX_SUITES, with that suite's compiler, in a
# cached chroot (tests/matrix/). matrix-build: both modules and the test
# module with W=1 (no warning allowed) and sparse; matrix-vm: the whole VM
# suite booting each suite's kernel, and the packages' DKMS build there,
# loaded and quoting in the VM. matrix-report prints the table of this
# run's steps (build/matrix/results.tsv).
MATRIX_SUITES ?= trixie sid

matrix-start:
	mkdir -p build/matrix && rm -f build/matrix/results.tsv

matrix-build:
	@rc=0; for s in $(MATRIX_SUITES); do \
		tests/matrix/kernel.sh $$s build sparse || rc=1; \
	done; exit $$rc

matrix-vm: tools deb
	@rc=0; for s in $(MATRIX_SUITES); do \
		DEB_DIR=$(CURDIR)/$(DEB_DIR) tests/matrix/kernel.sh $$s vm dkms || rc=1; \
	done; exit $$rc

matrix-report:
	@tests/matrix/report.sh build/matrix/results.tsv

# The uapi header must stand alone in strict C90 userspace.
uapi-check:
	@command -v $(CC) >/dev/null || { echo "$(CC) not found: apt-get install" \
		"build-essential (tests/deps.sh installs it)" >&2; exit 1; }
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
	DEB_DIR=$(CURDIR)/$(DEB_DIR) KVER=$(KVER) tests/matrix/kernel.sh host dkms

# Performance against the simulated host in the test VM: latency,
# throughput, counters and memory, for interrupt mode, adaptive polling and
# an upstream-equivalent configuration (tests/bench/). Writes the table and
# CSV to build/bench/; never fails on timing. bench-smoke is a ~10 s run
# of the same machinery (one tiny configuration per mode).
.PHONY: bench bench-smoke bench-tsm

bench: modules
	$(MAKE) -C tests/bench bench KVER=$(KVER)
	$(MAKE) bench-tsm

# The configfs-tsm rows: a kernel that has configfs-tsm (Debian 13's 6.12;
# TSM_SUITE=sid for 7.2), in its matrix chroot (docs/performance.md).
TSM_SUITE ?= trixie
bench-tsm:
	tests/matrix/kernel.sh $(TSM_SUITE) build
	$(MAKE) -C tests/bench tsm SUITE=$(TSM_SUITE)

bench-smoke: modules
	$(MAKE) -C tests/bench smoke KVER=$(KVER)

# make check's steps whose tools come from packages (builds, unit tests,
# checkpatch, sparse, the debug kernel, the packages, a VM boot), in a clean
# Debian 12 chroot that holds only what tests/deps.sh installs: fails when
# a needed package is missing from that list (tests/fresh/check.sh).
.PHONY: fresh-check
fresh-check:
	tests/fresh/check.sh

.NOTPARALLEL:

# The README's test command. The matrix steps append to
# build/matrix/results.tsv; the table closes the run.
# fresh-check comes before debug-test: on a new machine the debug kernel
# is then built once, in the fresh-machine chroot, and debug-test takes
# that build (tests/debug-kernel/build.sh).
# Every relative link and #anchor in the documentation must lead somewhere.
.PHONY: doc-links
doc-links:
	perl tests/docs/check-links.pl README.md $(wildcard docs/*.md)

check: matrix-start doc-links uapi-check unit checkpatch sparse fresh-check matrix-build vm-test debug-test \
	matrix-vm pkg-test bench-smoke matrix-report
