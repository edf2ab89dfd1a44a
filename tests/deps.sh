#!/bin/bash
# Install what building and testing tdx-quote needs on Debian 12 (as root).
# Installs only what is missing; safe to run again.
set -euo pipefail

pkgs=(build-essential linux-headers-amd64 linux-image-amd64 linux-source
      qemu-system-x86 busybox-static cpio kmod xz-utils
      libcmocka-dev libkmod-dev sparse pkg-config
      debhelper dh-dkms dkms lintian openssl man-db)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages: ${missing[*]} (run as root to install them)" >&2
	exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
