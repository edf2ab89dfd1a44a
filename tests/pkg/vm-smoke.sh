#!/bin/sh
# vm-smoke.sh VERSION - run in the test VM (dash) against an installed
# module tree (DKMS-built tdx_quote in updates/dkms) and the packaged CLI:
# modprobe refuses outside a TD, loads with host=sim, quotes, unloads.
# One PKGTEST-OK/PKGTEST-FAIL line per check (12 checks); exit status 1
# if any failed. Used by tests/pkg/pkg-test.sh (this machine's kernel)
# and tests/matrix/dkms.sh (the matrix kernels).
[ $# -eq 1 ] || { echo "usage: vm-smoke.sh VERSION" >&2; exit 2; }
export version="$1"
fail=0
ck() {
	name=$1; shift
	if "$@"; then echo "PKGTEST-OK $name"; else echo "PKGTEST-FAIL $name"; fail=1; fi
}
loaded() { grep -q "^$1 " /proc/modules; }
# DKMS compresses the module as the kernel's own are (.ko.xz on 6.12).
in_updates() {
	case $(modinfo -F filename tdx_quote) in
	"/lib/modules/$(uname -r)/updates/dkms/tdx_quote.ko" | \
	"/lib/modules/$(uname -r)/updates/dkms/tdx_quote.ko".[gx]z | \
	"/lib/modules/$(uname -r)/updates/dkms/tdx_quote.ko.zst") return 0 ;;
	esac
	return 1
}
ck modinfo-path in_updates
ck modinfo-version test "$(modinfo -F version tdx_quote)" = "$version"
ck no-td-refused sh -c '! modprobe tdx_quote 2>/tmp/err && grep -q "No such device" /tmp/err && ! grep -q "^tdx_quote " /proc/modules'
ck modprobe-host-sim modprobe tdx_quote host=sim
ck tdx_quote-loaded loaded tdx_quote
ck tdx_quote_sim-loaded loaded tdx_quote_sim
ck device test -c /dev/tdx_quote
ck cli-version test "$(tdx-quote --version)" = "tdx-quote $version"
ck info sh -c 'tdx-quote info >/tmp/info && grep -Eq "^module version: +$version\$" /tmp/info && grep -Eq "^host: +sim\$" /tmp/info'
ck quote sh -c 'tdx-quote quote -d 00ff -o /tmp/quote.bin && tdx-quote show /tmp/quote.bin >/tmp/show'
ck modprobe-r sh -c 'modprobe -r tdx_quote && ! grep -q "^tdx_quote " /proc/modules'
ck modprobe-r-sim sh -c 'modprobe -r tdx_quote_sim && ! grep -q "^tdx_quote" /proc/modules'
head -n 3 /tmp/show
exit $fail
