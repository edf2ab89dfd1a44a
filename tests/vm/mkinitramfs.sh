#!/bin/bash
# mkinitramfs.sh - build the initramfs the tdx-quote VM tests boot.
#
# The image holds busybox (static), real kmod (modprobe/insmod/... via
# libkmod; the kernel's request_module() runs /sbin/modprobe), dash as
# /bin/sh, bash, the given modules under /lib/modules/$KVER/extra with a
# depmod'ed index, optionally an installed module tree (-T: e.g. the
# DKMS-built modules under updates/), any extra files (-a) with their
# shared libraries, and an /init that runs /tdxq/cmd.sh, dumps dmesg and
# prints TDXQ-EXIT=<rc>.
#
# Why /bin/sh is dash and not busybox: Debian's busybox-static is built
# with FEATURE_SH_STANDALONE, so its ash runs its own applets (modprobe,
# insmod, ...) in preference to anything on $PATH.  A test writing
# `modprobe foo` would silently get busybox's modprobe instead of kmod.
# /init itself still runs under busybox sh.
#
# Layout is merged-/usr like the host (/bin -> usr/bin, /lib -> usr/lib,
# ...), so a library ldd reports as /lib/x86_64-linux-gnu/x.so lands where
# the same path resolves in the guest.
set -euo pipefail

PROG=${0##*/}

usage() {
	cat >&2 <<EOF
usage: $PROG -o OUT.cpio.gz [-k KVER] [-R ROOT] [-m MODULE.ko]... [-K NAME]... [-T MODDIR [-F]] [-a SRC:DEST]... [-c 'COMMAND']

  -o OUT.cpio.gz  output file (gzip-compressed newc cpio)
  -k KVER         kernel release the image is for (default: \$KVER, else the
                  newest /boot/vmlinuz-*-amd64)
  -R ROOT         the kernel's files (its modules.builtin and
                  modules.order) are under ROOT/lib/modules/KVER, e.g. a
                  chroot holding another Debian's kernel (default /)
  -m MODULE.ko    put MODULE.ko in /lib/modules/KVER/extra/ (repeatable)
  -K NAME         the kernel's own module NAME (e.g. tsm) and the modules
                  it depends on, from ROOT/lib/modules/KVER (its
                  modules.dep), where the kernel has NAME as a module;
                  nothing where it does not (repeatable)
  -T MODDIR       copy the module tree MODDIR (an installed
                  /lib/modules/KVER, e.g. with DKMS modules in updates/)
                  to /lib/modules/KVER: all of it but the build/source
                  links and, of the stock kernel/ directory, only the
                  modules that the others depend on (per MODDIR/modules.dep)
  -F              with -T: copy kernel/ whole too (Debian's is ~400 MB:
                  slow, and the VM needs QEMU_MEM=3072 or so)
  -a SRC:DEST     copy host file SRC to DEST in the image, plus its shared
                  libraries if it is a dynamic ELF file; DEST ending in /
                  means DEST/\$(basename SRC) (repeatable)
  -c 'COMMAND'    shell command (run by /bin/sh = dash) the VM runs at boot;
                  written to /tdxq/cmd.sh

Kernel command line knobs the image's /init understands:
  tdxq.shell=1    interactive shell on the console instead of COMMAND
  tdxq.rows=N tdxq.cols=N   console size for that shell
EOF
	exit 2
}

die() {
	echo "$PROG: $*" >&2
	exit 1
}

# Newest installed Debian kernel: /boot/vmlinuz-<kver>, version-sorted.
default_kver() {
	local newest
	newest=$(printf '%s\n' /boot/vmlinuz-*-amd64 | sort -V | tail -n 1)
	[ -e "$newest" ] || die "no /boot/vmlinuz-*-amd64 found (install linux-image-amd64, or pass -k)"
	echo "${newest#/boot/vmlinuz-}"
}

out=
kver=${KVER:-}
kroot=/
modules=()
stock=()
modtree=
modtree_full=0
adds=()
command=
have_command=0

while getopts ":o:k:R:m:K:T:Fa:c:h" opt; do
	case $opt in
	o) out=$OPTARG ;;
	k) kver=$OPTARG ;;
	R) kroot=$OPTARG ;;
	m) modules+=("$OPTARG") ;;
	K) stock+=("$OPTARG") ;;
	T) modtree=$OPTARG ;;
	F) modtree_full=1 ;;
	a) adds+=("$OPTARG") ;;
	c) command=$OPTARG; have_command=1 ;;
	h) usage ;;
	:) echo "$PROG: -$OPTARG needs an argument" >&2; usage ;;
	*) echo "$PROG: unknown option -$OPTARG" >&2; usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || { echo "$PROG: unexpected argument: $1" >&2; usage; }
[ -n "$out" ] || { echo "$PROG: -o is required" >&2; usage; }
[ -n "$kver" ] || kver=$(default_kver)
if [ -n "$modtree" ]; then
	[ -d "$modtree" ] || die "-T $modtree: not a directory"
	modtree=$(cd "$modtree" && pwd -P)
elif [ "$modtree_full" = 1 ]; then
	die "-F needs -T MODDIR"
fi

for t in busybox:busybox-static kmod:kmod cpio:cpio gzip:gzip ldd:libc-bin depmod:kmod; do
	command -v "${t%%:*}" >/dev/null ||
		die "${t%%:*} not found: apt-get install ${t#*:} (tests/deps.sh installs it)"
done
busybox_bin=$(command -v busybox)
# A dynamic busybox would need its libraries too; insist on the static one.
if ldd "$busybox_bin" >/dev/null 2>&1; then
	die "$busybox_bin is dynamically linked; install busybox-static"
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/tdxq-initramfs.XXXXXX")
tmp_out=
trap 'rm -rf "$stage" ${tmp_out:+"$tmp_out"}' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# ---------------------------------------------------------------- helpers

is_elf() {
	[ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]
}

declare -A libdirs=()

# copy_file SRC DEST: copy (dereferencing symlinks, keeping the mode).
# --remove-destination: DEST may be a busybox applet link, whose target
# /usr/bin/busybox is absolute: cp would write through it onto the host's
# busybox (e.g. -a /usr/bin/time:/usr/bin/time).
copy_file() {
	local src=$1 dest=$2
	mkdir -p "$stage$(dirname "$dest")"
	cp -L --remove-destination --preserve=mode "$src" "$stage$dest"
}

# copy_libs FILE: copy every shared library FILE needs, at the path ldd
# reports (the dynamic loader included).
copy_libs() {
	local file=$1 out line lib
	is_elf "$file" || return 0
	if ! out=$(ldd "$file" 2>&1); then
		case $out in
		*"not a dynamic executable"* | *"statically linked"*) return 0 ;;
		*) die "ldd $file failed: $out" ;;
		esac
	fi
	while IFS= read -r line; do
		line=${line#"${line%%[![:space:]]*}"}      # strip leading blanks
		case $line in
		*"=> not found"*) die "$file: missing library: ${line%% *}" ;;
		linux-vdso.so* | linux-gate.so* | *"statically linked"*) continue ;;
		*" => /"*) lib=${line#* => }; lib=${lib%% (*} ;;
		/*) lib=${line%% (*} ;;
		*) continue ;;
		esac
		[ -e "$stage$lib" ] && continue
		copy_file "$lib" "$lib"
		libdirs[$(dirname "$lib")]=1
	done <<<"$out"
}

# ---------------------------------------------------------------- skeleton

mkdir -p "$stage"/usr/{bin,sbin,lib,lib64}
ln -s usr/bin "$stage/bin"
ln -s usr/sbin "$stage/sbin"
ln -s usr/lib "$stage/lib"
ln -s usr/lib64 "$stage/lib64"
mkdir -p "$stage"/{dev,proc,sys,tmp,run,root,etc,tdxq/bin} "$stage/lib/modules/$kver/extra"
chmod 1777 "$stage/tmp"
# The kernel opens /dev/console before running /init; devtmpfs is not
# mounted yet at that point, so the node must be in the archive.  (/init
# reopens it after mounting devtmpfs in case mknod was not allowed here.)
if ! mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null; then
	echo "$PROG: warning: cannot mknod dev/console (not root?)" >&2
fi

# busybox and its applets, except the ones kmod provides and sh.
cp "$busybox_bin" "$stage/usr/bin/busybox"
kmod_tools="modprobe insmod rmmod lsmod depmod modinfo"
for applet in $("$busybox_bin" --list-full); do
	case " $kmod_tools sh ash " in *" ${applet##*/} "*) continue ;; esac
	if [ ! -e "$stage/$applet" ] && [ ! -L "$stage/$applet" ]; then
		ln -s /usr/bin/busybox "$stage/$applet"
	fi
done

# kmod, with all its names in /sbin (the kernel runs /sbin/modprobe).
copy_file /usr/bin/kmod /usr/bin/kmod
copy_libs /usr/bin/kmod
for tool in $kmod_tools; do
	ln -s /usr/bin/kmod "$stage/usr/sbin/$tool"
done

# Shells: dash as /bin/sh (see top of file), bash for the interactive
# shell and for tests that want it.
dash_bin=$(command -v dash) || die "dash not found"
copy_file "$dash_bin" /usr/bin/dash
copy_libs "$dash_bin"
ln -s dash "$stage/usr/bin/sh"
if bash_bin=$(command -v bash); then
	copy_file "$bash_bin" /usr/bin/bash
	copy_libs "$bash_bin"
	# terminfo for bash's line editing on the serial console
	for t in l/linux v/vt100 v/vt102 v/vt220 x/xterm x/xterm-256color d/dumb s/screen; do
		for dir in /lib/terminfo /usr/share/terminfo; do
			if [ -e "$dir/$t" ]; then
				copy_file "$dir/$t" "$dir/$t"
				break
			fi
		done
	done
fi

# Users: root, and nobody for privilege-drop tests.
cat >"$stage/etc/passwd" <<'EOT'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOT
cat >"$stage/etc/group" <<'EOT'
root:x:0:
nobody:x:65534:
nogroup:x:65534:
EOT
echo tdxq >"$stage/etc/hostname"

# ---------------------------------------------------------------- modules

moddir=$stage/lib/modules/$kver
# -T: the installed tree first, so that -m modules and the lists below
# are laid over it.
if [ -n "$modtree" ]; then
	# Everything outside kernel/ (updates/, extra/, modules.*), without
	# the build/source links into the kernel headers.
	(cd "$modtree" && find . -mindepth 1 -maxdepth 1 ! -name build ! -name source \
		! -name kernel -print0 | xargs -0r cp -RL --preserve=mode,timestamps --parents -t "$moddir") ||
		die "-T $modtree: copy failed"
	if [ "$modtree_full" = 1 ]; then
		if [ -d "$modtree/kernel" ]; then
			cp -RL --preserve=mode,timestamps "$modtree/kernel" "$moddir/" || die "-T $modtree: copy of kernel/ failed"
		fi
	elif [ -f "$modtree/modules.dep" ]; then
		# modules.dep lines are "module: dependency...", the whole
		# closure, paths relative to the tree; keep the stock modules
		# that a module from outside kernel/ needs.
		awk -F'[: ]+' '$1 !~ /^kernel\// { for (i = 2; i <= NF; i++) if ($i ~ /^kernel\//) print $i }' \
			"$modtree/modules.dep" | sort -u | while IFS= read -r dep; do
			[ -f "$modtree/$dep" ] || die "-T $modtree: $dep (in modules.dep) is missing"
			(cd "$modtree" && cp -L --preserve=mode,timestamps --parents "$dep" "$moddir") ||
				die "-T $modtree: copy of $dep failed"
		done || exit 1
	fi
fi
# -K: stock modules by name, with their dependencies (modules.dep lines
# are "path: dependency...", the whole closure; a name is the file name
# without .ko and compression suffix, with - read as _).
kmoddir=${kroot%/}/lib/modules/$kver
for name in ${stock[@]+"${stock[@]}"}; do
	if [ ! -f "$kmoddir/modules.dep" ]; then
		echo "$PROG: -K $name: no $kmoddir/modules.dep (a kernel without modules): skipped" >&2
		continue
	fi
	awk -F'[: ]+' -v want="$name" '{
		n = $1; sub(/.*\//, "", n); sub(/\.ko(\.[a-z]+)?$/, "", n); gsub(/-/, "_", n)
		if (n == want) for (i = 1; i <= NF; i++) if ($i != "") print $i
	}' "$kmoddir/modules.dep" | while IFS= read -r dep; do
		[ -f "$kmoddir/$dep" ] || die "-K $name: $dep (in modules.dep) is missing"
		(cd "$kmoddir" && cp -L --preserve=mode,timestamps --parents "$dep" "$moddir") ||
			die "-K $name: copy of $dep failed"
	done || exit 1
done
for mod in ${modules[@]+"${modules[@]}"}; do
	[ -f "$mod" ] || die "module not found: $mod"
	cp "$mod" "$moddir/extra/"
done
# Builtin lists let kmod report built-in modules as such instead of
# "not found"; the kernel's own .ko files are not needed.  (-T copied its
# own already.)
for f in "${kroot%/}/lib/modules/$kver"/modules.builtin* "${kroot%/}/lib/modules/$kver/modules.order"; do
	if [ -f "$f" ] && [ ! -e "$moddir/${f##*/}" ]; then
		cp "$f" "$moddir/"
	fi
done
depmod -b "$stage" "$kver" || die "depmod -b $stage $kver failed"

# ---------------------------------------------------------------- extra files

for spec in "${adds[@]}"; do
	case $spec in
	*:*) ;;
	*) die "-a wants SRC:DEST, got: $spec" ;;
	esac
	src=${spec%:*}
	dest=${spec##*:}
	case $dest in
	/*) ;;
	*) die "-a $spec: DEST must be an absolute path" ;;
	esac
	case $dest in */) dest=$dest${src##*/} ;; esac
	[ -f "$src" ] || die "-a $spec: no such file: $src"
	copy_file "$src" "$dest"
	copy_libs "$src"
done

# Libraries outside the loader's default directories (e.g. from a build
# tree) are found through an ld.so.cache of every directory we filled.
if [ ${#libdirs[@]} -gt 0 ]; then
	printf '%s\n' "${!libdirs[@]}" | sort >"$stage/etc/ld.so.conf"
	if ! ldconfig -r "$stage" -X 2>/dev/null; then
		echo "$PROG: warning: ldconfig -r failed (not root?); libraries outside" \
			"/lib/x86_64-linux-gnu may not be found in the VM" >&2
	fi
fi

# ---------------------------------------------------------------- command

if [ "$have_command" = 1 ]; then
	{
		echo '# generated by mkinitramfs.sh -c'
		printf '%s\n' "$command"
	} >"$stage/tdxq/cmd.sh"
	chmod 755 "$stage/tdxq/cmd.sh"
fi

# ---------------------------------------------------------------- /init

cat >"$stage/init" <<'EOF'
#!/usr/bin/busybox sh
# tdx-quote test VM init, generated by tests/vm/mkinitramfs.sh.
# Runs /tdxq/cmd.sh (or a shell with tdxq.shell=1), then powers off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/tdxq/bin
export HOME=/root
export TERM=${TERM:-linux}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t debugfs debugfs /sys/kernel/debug
# tmpfs on /tmp, keeping what the image put there (-a files or libraries
# from a host build dir under /tmp would otherwise be hidden).
mkdir -p /.tmp
mount -t tmpfs -o mode=1777 tmpfs /.tmp
cp -a /tmp/. /.tmp/
mount -o move /.tmp /tmp
rmdir /.tmp
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
hostname -F /etc/hostname
# Keep kernel messages off the console so they do not interleave with the
# test's output; the host reads them from the dmesg dump at the end.
dmesg -n 1

shell=0 rows= cols=
for arg in $(cat /proc/cmdline); do
	case $arg in
	tdxq.shell=1) shell=1 ;;
	tdxq.rows=*) rows=${arg#*=} ;;
	tdxq.cols=*) cols=${arg#*=} ;;
	esac
done

# Wait until everything written to the console has left the UART
# (stty's tcsetattr(TCSADRAIN)), so poweroff cannot cut the tail off.
drain() {
	stty onlcr 2>/dev/null
}

if [ "$shell" = 1 ]; then
	[ -n "$rows" ] && stty rows "$rows"
	[ -n "$cols" ] && stty cols "$cols"
	# A command given with the shell prepares it (e.g. loads modules).
	[ -f /tdxq/cmd.sh ] && /bin/sh /tdxq/cmd.sh </dev/null
	echo "tdxq: interactive shell (kernel $(uname -r)); exit powers off, Ctrl-A X kills qemu"
	cd /root 2>/dev/null || cd /
	if [ -x /bin/bash ]; then
		PS1='tdxq:\w# ' setsid cttyhack /bin/bash -i
	else
		setsid cttyhack /bin/sh -i
	fi
	drain
	poweroff -f
fi

# Start on a fresh line: the kernel's real-mode setup makes SeaBIOS send a
# terminal reset to the serial line, often in the middle of its last line.
# TDXQ-INIT tells run.sh that the guest got this far.
printf '\nTDXQ-INIT\n'
cd /tmp
if [ -f /tdxq/cmd.sh ]; then
	/bin/sh /tdxq/cmd.sh </dev/null
	rc=$?
else
	echo "tdxq: no /tdxq/cmd.sh in the image (mkinitramfs.sh -c)"
	rc=127
fi
cd /
printf '\nTDXQ-DMESG-BEGIN\n'
dmesg
echo TDXQ-DMESG-END
echo "TDXQ-EXIT=$rc"
drain
poweroff -f
EOF
chmod 755 "$stage/init"

# ---------------------------------------------------------------- archive

tmp_out=$(mktemp "$(dirname "$out")/.${out##*/}.XXXXXX")
chmod 755 "$stage"   # "." sets the mode of the guest's /
if ! (cd "$stage" && find . | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 | gzip -1) >"$tmp_out"; then
	rm -f "$tmp_out"
	die "cpio/gzip failed"
fi
chmod 644 "$tmp_out"
mv -f "$tmp_out" "$out"
tmp_out=
