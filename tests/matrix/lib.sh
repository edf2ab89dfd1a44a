# Sourced by the kernel-matrix scripts (tests/matrix/): shared helpers.
# PROG is set by the script that sources this.

mx_die() {
	echo "$PROG: $*" >&2
	exit 1
}

# mx_need TOOL PACKAGE: TOOL on PATH, or fail naming the package.
mx_need() {
	command -v "$1" >/dev/null ||
		mx_die "$1 not found: apt-get install $2 (tests/deps.sh installs it)"
}

# The cache every clone shares: debug kernel, chroots, scripts.
mx_cache() {
	echo "${TDXQ_CACHE:-/var/cache/tdx-quote}"
}

# mx_in_chroot ROOT CMD...: run CMD in the chroot ROOT with /proc mounted
# (objtool and apt need it) for the time of CMD. The caller holds the
# suite's lock (kernel.sh, chroot.sh), so a /proc found mounted is a
# killed run's leftover: used, then unmounted like our own.
mx_in_chroot() {
	local root=$1 rc=0
	shift
	if ! mountpoint -q "$root/proc"; then
		mount -t proc proc "$root/proc" || mx_die "cannot mount /proc in $root"
	fi
	chroot "$root" "$@" || rc=$?
	umount "$root/proc" 2>/dev/null || umount -l "$root/proc"
	return $rc
}

# mx_vmlinuz ROOT KVER: the kernel image a Debian kernel package put in
# ROOT (/boot before 7.x, /usr/lib/modules/KVER from the split packages).
mx_vmlinuz() {
	local f
	for f in "$1/boot/vmlinuz-$2" "$1/usr/lib/modules/$2/vmlinuz"; do
		if [ -r "$f" ]; then
			echo "$f"
			return 0
		fi
	done
	return 1
}
