#!/bin/bash
# dkms.sh ROOT KVER VMLINUZ DEB_DIR OUT - the packages on a matrix kernel
# (tests/matrix/kernel.sh SUITE dkms): in the chroot ROOT, apt installs
# tdx-quote-dkms and tdx-quote-tools from DEB_DIR; DKMS builds tdx_quote
# for KVER with that suite's compiler; the VM boots VMLINUZ with the
# chroot's /lib/modules/KVER (the DKMS modules in updates/dkms) and runs
# tests/pkg/vm-smoke.sh (modprobe, quote, modprobe -r); the packages are
# purged again, also on failure, so the cached chroot stays clean. Logs
# in OUT.
set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
# shellcheck source=tests/matrix/lib.sh
. "$HERE/lib.sh"

[ $# -eq 5 ] || { echo "usage: $PROG ROOT KVER VMLINUZ DEB_DIR OUT" >&2; exit 2; }
root=$1 kver=$2 vmlinuz=$3 deb_dir=$4 out=$5
version=$(cat "$TOP/VERSION")
arch=$(dpkg --print-architecture)
debs=("tdx-quote-dkms_${version}_all.deb" "tdx-quote-tools_${version}_$arch.deb")
for d in "${debs[@]}"; do
	[ -f "$deb_dir/$d" ] || mx_die "$deb_dir/$d missing (make deb)"
done

apt_in() {
	mx_in_chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get -q "$@"
}
# shellcheck disable=SC2317  # invoked from the EXIT trap
purge() {
	apt_in purge -y tdx-quote-dkms tdx-quote-tools >>"$out/dkms-apt.log" 2>&1 || true
	rm -rf "$root/tmp/tdxq-debs"
}
purge
trap purge EXIT

mkdir -p "$root/tmp/tdxq-debs"
cp "${debs[@]/#/$deb_dir/}" "$root/tmp/tdxq-debs/"
apt_in install -y --no-install-recommends "${debs[@]/#//tmp/tdxq-debs/}" >"$out/dkms-apt.log" 2>&1 ||
	{ tail -n 30 "$out/dkms-apt.log" >&2; mx_die "apt install in the chroot failed ($out/dkms-apt.log)"; }
# The package's postinst builds for the kernels it finds; make sure of KVER.
if ! mx_in_chroot "$root" dkms status -m tdx-quote -v "$version" -k "$kver" | grep -q installed; then
	mx_in_chroot "$root" dkms install -m tdx-quote -v "$version" -k "$kver" >>"$out/dkms-apt.log" 2>&1 ||
		{ tail -n 30 "$out/dkms-apt.log" >&2; mx_die "dkms install for $kver failed"; }
fi
status=$(mx_in_chroot "$root" dkms status -m tdx-quote -v "$version" -k "$kver")
echo "$PROG: dkms status: $status"
case $status in
*": installed"*) ;;
*) mx_die "DKMS did not install tdx-quote $version for $kver" ;;
esac
for m in tdx_quote tdx_quote_sim; do
	[ -f "$root/lib/modules/$kver/updates/dkms/$m.ko" ] ||
		[ -f "$root/lib/modules/$kver/updates/dkms/$m.ko.xz" ] ||
		[ -f "$root/lib/modules/$kver/updates/dkms/$m.ko.zst" ] ||
		mx_die "no $m.ko in $root/lib/modules/$kver/updates/dkms"
done

rc=0
KVER=$kver VMLINUZ=$vmlinuz "$TOP/tests/vm/run.sh" --timeout 300 --log "$out/dkms-vm.log" \
	-R "$root" -T "$root/lib/modules/$kver" \
	-a "$root/usr/bin/tdx-quote:/usr/bin/tdx-quote" \
	-a "$root/etc/modprobe.d/tdx-quote.conf:/etc/modprobe.d/tdx-quote.conf" \
	-a "$TOP/tests/pkg/vm-smoke.sh:/tdxq/bin/vm-smoke.sh" \
	-- "sh /tdxq/bin/vm-smoke.sh $version" >"$out/dkms-vm.out" 2>&1 || rc=$?
tr -d '\r' <"$out/dkms-vm.out" | sed -n 's/^PKGTEST-OK /  ok   vm: /p; s/^PKGTEST-FAIL /  FAIL vm: /p'
ok=$(grep -ac '^PKGTEST-OK ' "$out/dkms-vm.out" || true)
if [ "$rc" != 0 ] || [ "$ok" != 12 ]; then
	grep -a 'run.sh:' "$out/dkms-vm.out" >&2 || true
	mx_die "the DKMS-built module on $kver: $ok of 12 checks passed, VM exit status $rc ($out/dkms-vm.log)"
fi
echo "$PROG: the DKMS-built tdx_quote loads and quotes on $kver (12 of 12 checks)"
