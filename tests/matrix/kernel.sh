#!/bin/bash
# kernel.sh SUITE STEP... - build and test tdx-quote against one kernel of
# the matrix (README, "Supported kernels").
#
# SUITE:
#   host     Debian 12's stock kernel on this machine (KVER, else the
#            newest /lib/modules/*/build), compiled with the machine's gcc
#   debug    the debug kernel of tests/debug-kernel/ (built and cached by
#            its build.sh)
#   trixie, sid, ...   that Debian suite's newest stock kernel, compiled
#            with that suite's own gcc and sparse, in a chroot
#            (tests/matrix/chroot.sh)
# STEP, in the order given:
#   build    both modules and the test-only dummy module with W=1; any
#            compiler warning fails. The .ko files land in build/matrix/SUITE/
#   sparse   the same with C=2 (sparse on every file); fails on any sparse
#            warning, and when sparse did not check every file (a kernel
#            tree whose Makefile switches C=2 off prints "not available")
#   vm       the whole VM suite (tdxq-vmtest) booting that kernel, with
#            the modules of the build step (run it first); VM_GROUPS="a b"
#            runs only those groups (while developing: make check runs all)
#   dkms     the packages (DEB_DIR, default build/deb): for host the whole
#            package test on this machine (tests/pkg/pkg-test.sh); for a
#            chroot suite, tests/matrix/dkms.sh: install tdx-quote-dkms
#            and -tools in the chroot, DKMS builds for the suite's kernel,
#            boot it with that module tree, modprobe, quote
#            (tests/pkg/vm-smoke.sh), purge
#
# Every step appends "suite kver compiler step result seconds" to
# build/matrix/results.tsv (tests/matrix/report.sh prints it as a table).
set -euo pipefail
# The gates grep the tools' English messages.
export LC_ALL=C

PROG=${0##*/}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
# shellcheck source=tests/matrix/lib.sh
. "$HERE/lib.sh"

[ $# -ge 2 ] || { echo "usage: $PROG SUITE STEP..." >&2; exit 2; }
suite=$1
shift

out=$TOP/build/matrix/$suite
mkdir -p "$out"
results=$TOP/build/matrix/results.tsv

# ---------------------------------------------------------------- the kernel

# root: where the kernel's files live (/ or a chroot); kdir: its build tree
# as seen from root; vmlinuz: the image to boot, as seen from here.
case $suite in
host)
	root=/
	kver=${KVER:-$(ls -1 /lib/modules | sort -V | while read -r v; do
		[ -d "/lib/modules/$v/build" ] && echo "$v"; done | tail -n 1)}
	[ -n "$kver" ] || mx_die "no kernel headers (apt-get install linux-headers-amd64)"
	kdir=/lib/modules/$kver/build
	vmlinuz=/boot/vmlinuz-$kver
	;;
debug)
	root=/
	kdir=$("$TOP/tests/debug-kernel/build.sh")
	kver=$(cat "$kdir/include/config/kernel.release")
	vmlinuz=$kdir/arch/x86/boot/bzImage
	;;
*)
	# One run of a suite at a time on the machine: the chroot (its /proc,
	# its packages during the dkms step, its daily refresh) is shared by
	# every clone.
	mkdir -p "$(mx_cache)/matrix"
	exec 7>"$(mx_cache)/matrix/$suite.use.lock"
	flock -w 3600 7 || mx_die "another run of $suite holds $(mx_cache)/matrix/$suite.use.lock"
	read -r root kver < <("$HERE/chroot.sh" "$suite") || mx_die "no $suite chroot"
	[ -n "$root" ] || mx_die "no $suite chroot"
	kdir=/usr/src/linux-headers-$kver
	vmlinuz=$(mx_vmlinuz "$root" "$kver") || mx_die "$suite: no vmlinuz for $kver in $root"
	;;
esac

# run CMD... against the kernel: in the chroot, or here.
run() {
	if [ "$root" = / ]; then
		"$@"
	else
		mx_in_chroot "$root" "$@"
	fi
}

cc_version=$(run gcc -dumpfullversion 2>/dev/null || echo "?")
compiler="gcc-$cc_version"

record() {	# STEP RESULT SECONDS
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$suite" "$kver" "$compiler" "$1" "$2" "$3" >>"$results"
}

# A copy of the sources where the kernel can see it (inside the chroot):
# kbuild writes its objects next to them.
stage_tree() {	# NAME: prints the directory as seen from root
	local rel=/tmp/tdxq-matrix-$suite-$1-$$
	rm -rf "${root%/}$rel"
	mkdir -p "${root%/}$rel"
	cp -r "$TOP/Kbuild" "$TOP/VERSION" "$TOP/src" "$TOP/include" "$TOP/uapi" "${root%/}$rel/"
	# At the tree's own path: the dummies include ../../../include.
	mkdir -p "${root%/}$rel/tests/vm"
	cp -r "$TOP/tests/vm/dummy" "${root%/}$rel/tests/vm/dummy"
	rm -f "${root%/}$rel"/tests/vm/dummy/*.o "${root%/}$rel"/tests/vm/dummy/*.ko
	echo "$rel"
}

# The test-only modules of tests/vm/dummy/ (one obj-m line each).
dummy_modules() {
	sed -n 's/^obj-m *[:+]\?= *\([a-z_]*\)\.o.*/\1.ko/p' "$TOP/tests/vm/dummy/Kbuild"
}

# The objects kbuild compiles for tdx_quote.ko and tdx_quote_sim.ko, and
# the dummies: the number of files sparse must have checked.
count_objects() {
	local n
	n=$(sed -n 's/^tdx_quote\(_sim\)\?-y *:= *//p; /^\t/p' "$TOP/Kbuild" |
		grep -o '[a-z_/]*\.o' | wc -l)
	echo $((n + $(dummy_modules | wc -l)))
}

# ---------------------------------------------------------------- steps

step_build() {
	local src log=$out/build.log ko
	rm -f "$out"/*.ko
	src=$(stage_tree build) || return 1
	{
		run make -C "$kdir" M="$src" W=1 modules &&
		run make -C "$kdir" M="$src/tests/vm/dummy" W=1 modules
	} >"$log" 2>&1 || { cat "$log" >&2; echo "$PROG: $suite: the build failed ($log)" >&2; return 1; }
	# gcc, objtool and ld write "warning:", modpost "WARNING: modpost:".
	if grep -iE "(warning|error):" "$log" >&2; then
		echo "$PROG: $suite: build warnings ($log)" >&2
		return 1
	fi
	# (a step runs as an if's condition: set -e is off in it, so each
	# failure that matters returns explicitly)
	cp "${root%/}$src/tdx_quote.ko" "${root%/}$src/tdx_quote_sim.ko" "$out/" || return 1
	for ko in $(dummy_modules); do
		cp "${root%/}$src/tests/vm/dummy/$ko" "$out/" || return 1
	done
	rm -rf "${root%/}$src"
	echo "$PROG: $suite: modules built against $kver ($compiler, W=1), no warnings"
}

# A kernel Makefile that asks scripts/checker-valid.sh before C=2, in a
# header package without that script, gets the stand-in (see its header).
# Only in a chroot of ours: the machine's own headers are left alone.
install_checker_valid() {
	local mk
	[ "$root" != / ] || return 0
	for mk in "$root$kdir/Makefile" "$root${kdir%-amd64}-common/Makefile"; do
		[ -f "$mk" ] && grep -q 'scripts/checker-valid.sh' "$mk" || continue
		if [ ! -e "$(dirname "$mk")/scripts/checker-valid.sh" ]; then
			echo "$PROG: $suite: $(dirname "${mk#"$root"}") lacks scripts/checker-valid.sh: installing tests/matrix/checker-valid.sh there"
			install -m 755 "$HERE/checker-valid.sh" "$(dirname "$mk")/scripts/checker-valid.sh"
		fi
	done
}

step_sparse() {
	local src log=$out/sparse.log checked want
	run sh -c 'command -v sparse' >/dev/null || mx_die "$suite: sparse not found there (apt-get install sparse)"
	install_checker_valid
	src=$(stage_tree sparse) || return 1
	{
		run make -C "$kdir" M="$src" C=2 CF="-D__CHECK_ENDIAN__" modules &&
		run make -C "$kdir" M="$src/tests/vm/dummy" C=2 CF="-D__CHECK_ENDIAN__" modules
	} >"$log" 2>&1 || { cat "$log" >&2; echo "$PROG: $suite: the sparse build failed ($log)" >&2; return 1; }
	rm -rf "${root%/}$src"
	if grep -q "not available or not up to date" "$log"; then
		grep "not available" "$log" >&2
		echo "$PROG: $suite: sparse did not run ($log)" >&2
		return 1
	fi
	checked=$(grep -c '^ *CHECK ' "$log" || true)
	want=$(count_objects)
	if [ "$checked" -ne "$want" ]; then
		echo "$PROG: $suite: sparse checked $checked files, expected $want ($log)" >&2
		return 1
	fi
	if grep -E "warning|error" "$log" >&2; then
		echo "$PROG: $suite: sparse warnings ($log)" >&2
		return 1
	fi
	echo "$PROG: $suite: sparse checked $checked files against $kver, no warnings"
}

step_vm() {
	local ko cmd="tdxq-vmtest${VM_GROUPS:+ $VM_GROUPS}" files=() vm_root=$root mods=()
	for ko in tdx_quote.ko tdx_quote_sim.ko $(dummy_modules); do
		[ -f "$out/$ko" ] || mx_die "$suite: $out/$ko missing: run the build step first"
		mods+=(-m "$out/$ko")
	done
	make -C "$TOP/tests/vm" build/tdxq-vmtest >/dev/null || return 1
	make -C "$TOP/tools" >/dev/null || return 1
	# LONG=1: the abuse groups' full counts (make check-long).
	local timeout=1800
	case ${LONG:-0} in 0 | '') ;; *) cmd="TDXQ_LONG=1 $cmd" timeout=5400 ;; esac
	if [ "$suite" = debug ]; then
		# The suite between kmemleak's clear and scans; KASAN needs room.
		# Its module lists (the compat tests learn from them whether the
		# kernel has its own tdx_guest driver) are in the build tree.
		mkdir -p "$out/lists/lib/modules/$kver"
		cp "$kdir/modules.builtin" "$kdir/modules.order" "$out/lists/lib/modules/$kver/" || return 1
		vm_root=$out/lists
		files=(-a "$TOP/tests/debug-kernel/vm-suite.sh:/tdxq/bin/vm-suite.sh")
		cmd="${cmd%%tdxq-vmtest*}sh /tdxq/bin/vm-suite.sh${VM_GROUPS:+ $VM_GROUPS}"
		export QEMU_MEM=${QEMU_MEM:-2048}
	fi
	KVER=$kver VMLINUZ=$vmlinuz "$TOP/tests/vm/run.sh" --timeout "${TIMEOUT:-$timeout}" \
		--log "$out/vm.log" -R "$vm_root" \
		"${mods[@]}" -K configfs -K tsm -K tsm_report -K tdx_guest \
		-a "$TOP/debian/tdx-quote-replace-tdx-guest.conf:/usr/share/tdx-quote/" \
		-a "$TOP/tests/vm/build/tdxq-vmtest:/usr/bin/tdxq-vmtest" \
		-a "$TOP/tools/tdx-quote:/usr/bin/tdx-quote" ${files[@]+"${files[@]}"} -- "$cmd" || return 1
	[ -n "${VM_GROUPS:-}" ] && return 0
	# The wrong-CPU registration shows only when the IRQ lands on another
	# CPU than asked: the notify group again, with the kernel's default
	# IRQ affinity CPU 0 (its hotplug test asks for CPU 1).
	KVER=$kver VMLINUZ=$vmlinuz "$TOP/tests/vm/run.sh" --timeout "${TIMEOUT:-600}" \
		--log "$out/vm-irqaffinity.log" -R "$vm_root" --append "irqaffinity=0" \
		-m "$out/tdx_quote.ko" -m "$out/tdx_quote_sim.ko" \
		-a "$TOP/tests/vm/build/tdxq-vmtest:/usr/bin/tdxq-vmtest" -- "tdxq-vmtest notify" || {
		echo "$PROG: $suite: the notify group under irqaffinity=0 failed ($out/vm-irqaffinity.log)" >&2
		return 1
	}
	[ "$suite" = debug ] || return 0
	leak_selftest
}

# The kmemleak gate must fail on a leak: tdxq_leaky leaks on purpose in a
# VM run of its own. Passes only when the gate reported that very leak
# (exit status 1, the report naming tdxq_leaky_alloc) and the kernel-log
# scan flagged kmemleak and nothing else.
leak_selftest() {
	local log=$out/vm-leak-selftest.log rc=0 problems
	[ -f "$out/tdxq_leaky.ko" ] || mx_die "$suite: $out/tdxq_leaky.ko missing: run the build step first"
	KVER=$kver VMLINUZ=$vmlinuz "$TOP/tests/vm/run.sh" --timeout "${TIMEOUT:-600}" \
		--log "$log" -R "$out/lists" -m "$out/tdxq_leaky.ko" \
		-a "$TOP/tests/debug-kernel/vm-suite.sh:/tdxq/bin/vm-suite.sh" \
		-- "sh /tdxq/bin/vm-suite.sh --leak-selftest" >/dev/null 2>&1 || rc=$?
	problems=$(sed -n '/KERNEL PROBLEMS IN DMESG:/,/^=====/p' "$log" | sed '1d;$d')
	if [ "$rc" = 126 ] &&
		grep -q "run.sh: FAIL: kernel problems in dmesg (command exit status 1," "$log" &&
		grep -q "^debug-test: kmemleak reports leaks:" "$log" &&
		grep -q "tdxq_leaky_alloc" "$log" &&
		[ -n "$problems" ] && ! grep -v "kmemleak" <<<"$problems" | grep -q .; then
		echo "$PROG: $suite: kmemleak gate check: the deliberate leak failed the gate, as it must ($log)"
		return 0
	fi
	echo "$PROG: $suite: kmemleak gate check: the deliberate leak did not fail the gate as expected (run.sh exit $rc; $log)" >&2
	return 1
}

step_dkms() {
	local debs=${DEB_DIR:-$TOP/build/deb}
	case $suite in
	host) KVER=$kver "$TOP/tests/pkg/pkg-test.sh" "$debs" ;;
	debug) mx_die "no packages for the debug kernel (it has no headers package)" ;;
	*) "$HERE/dkms.sh" "$root" "$kver" "$vmlinuz" "$debs" "$out" ;;
	esac
}

for step in "$@"; do
	case $step in
	build | sparse | vm | dkms) ;;
	*) echo "$PROG: unknown step $step" >&2; exit 2 ;;
	esac
	echo "$PROG: == $suite ($kver, $compiler): $step"
	t0=$SECONDS
	if "step_$step"; then
		record "$step" pass $((SECONDS - t0))
	else
		record "$step" FAIL $((SECONDS - t0))
		# The later steps would test what this one failed to make.
		exit 1
	fi
done
