#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dkms_test.sh: mdgpu installed through DKMS, as a user of a real host would
# (`make dkms`), then loaded with modprobe. TAP 13.
#
#   selftests/dkms_test.sh
#
# Runs inside a test VM (scripts/testvm) as root. Everything it writes stays
# in a private mount namespace: /usr gets an in-memory overlay, in which
# /lib/modules/$MDGPU_ABI holds what a Debian host has after installing the
# kernel and its headers: the image's VFIO modules (from $MDGPU_MODDIR), and
# build -> $MDGPU_KDIR. `make dkms` copies the sources to /usr/src, DKMS
# builds them in /var/lib/dkms (the VM's /var is an overlay already) and
# installs mdgpu.ko into updates/dkms; modprobe must then load that very
# file (its GNU build ID) and the pGPUs must appear. At the end the module
# scripts/testvm loaded ($MDGPU_KO) is loaded again.
# Exit status: 0 all passed, 1 a test failed, 4 skipped (not in a test VM).

KSFT_SKIP=4
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

[ "${1:-}" = --in-namespace ] || echo "TAP version 13"
if [ "$(id -u)" -ne 0 ] || [ -z "${MDGPU_TESTVM:-}" ]; then
	echo "1..0 # SKIP runs as root inside scripts/testvm only"
	exit $KSFT_SKIP
fi
for v in MDGPU_ABI MDGPU_KDIR MDGPU_MODDIR MDGPU_KO; do
	eval "val=\${$v:-}"
	if [ -z "$val" ]; then
		echo "1..0 # SKIP $v is not set (scripts/testvm sets it)"
		exit $KSFT_SKIP
	fi
done

# Stage 2: in the private mount namespace.
if [ "${1:-}" != --in-namespace ]; then
	exec unshare --mount --propagation private "$0" --in-namespace
fi

echo "1..5"
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n $*"; }
now() { date +%s; }

abi=$MDGPU_ABI
mods=/lib/modules/$abi
tmp=$(mktemp -d /run/dkms-test.XXXXXX) || exit 1

restore() {
	rmmod mdgpu 2>/dev/null
	insmod "$MDGPU_KO" || echo "# cannot load $MDGPU_KO again"
}

# /usr writable, without changing the host's files: an overlay in memory.
mount -t tmpfs tmpfs "$tmp" && mkdir -p "$tmp/upper" "$tmp/work" &&
	mount -t overlay -o "lowerdir=/usr,upperdir=$tmp/upper,workdir=$tmp/work" overlay /usr ||
	{ echo "Bail out! cannot put an overlay on /usr"; exit 1; }

# What Debian's image and headers packages leave in /lib/modules/<abi>.
mkdir -p "$mods/kernel/drivers" || exit 1
ln -s "$MDGPU_MODDIR/kernel/drivers/vfio" "$mods/kernel/drivers/vfio"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ ! -f "$MDGPU_MODDIR/$f" ] || cp "$MDGPU_MODDIR/$f" "$mods/"
done
ln -s "$MDGPU_KDIR" "$mods/build"

# DKMS's own output, as comments with the time of each line.
t0=$(now)
{ make -s -C "$root" dkms 2>&1; echo $? >"$tmp/rc"; } </dev/null |
	while IFS= read -r line; do echo "# $(date +%T) $line"; done
if [ "$(cat "$tmp/rc")" = 0 ]; then
	ok "make dkms builds and installs mdgpu for $abi ($(($(now) - t0)) s)"
else
	for f in /var/lib/dkms/mdgpu/*/build/make.log; do
		[ -f "$f" ] && sed 's/^/# make.log: /' "$f"
	done
	not_ok "make dkms builds and installs mdgpu for $abi"
fi

ko=$(find "$mods/updates" -name 'mdgpu.ko*' 2>/dev/null | head -n 1)
status=$(dkms status mdgpu 2>&1)
case $status in
*"$abi"*installed*)
	if [ -n "$ko" ]; then
		ok "dkms status says installed for $abi: ${ko#"$mods"/}"
	else
		not_ok "dkms says installed, but no mdgpu.ko under $mods/updates"
	fi
	;;
*) echo "# dkms status: $status"; not_ok "dkms status says mdgpu is installed for $abi" ;;
esac

rmmod mdgpu 2>/dev/null
if out=$(modprobe mdgpu 2>&1) && [ -d /sys/module/mdgpu ]; then
	ok "modprobe mdgpu loads the module"
else
	echo "# modprobe mdgpu: $out"
	dmesg | tail -n 5 | sed 's/^/# /'
	not_ok "modprobe mdgpu loads the module"
fi

# The build ID of the loaded module (its ELF note, as sysfs shows it) and of a file.
loaded_build_id() {
	od -An -tx1 -v /sys/module/mdgpu/notes/.note.gnu.build-id 2>/dev/null | tr -d ' \n'
}
file_build_id() {
	case $1 in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -qdc "$1" ;;
	*) cat "$1" ;;
	esac >"$tmp/ko" 2>/dev/null && readelf -n "$tmp/ko" | sed -n 's/.*Build ID: *//p'
}
mine=$(loaded_build_id)
theirs=$( [ -n "$ko" ] && file_build_id "$ko")
if [ -n "$theirs" ] && [ "${mine%"$theirs"}" != "$mine" ] &&
	[ "$(modinfo -n mdgpu 2>/dev/null)" = "$ko" ]; then
	ok "the loaded mdgpu is DKMS's build (build ID $theirs)"
else
	echo "# loaded note '$mine', DKMS's build ID '$theirs', modinfo -n: $(modinfo -n mdgpu 2>&1)"
	not_ok "the loaded mdgpu is DKMS's build"
fi

pgpus=$(ls /sys/bus/pci/drivers/mdgpu 2>/dev/null | grep -c '^[0-9a-f]\{4\}:')
types=$(ls /sys/class/mdev_bus/*/mdev_supported_types 2>/dev/null | grep -c '^mdgpu-')
if [ "$pgpus" -ge 1 ] && [ "$types" -ge 1 ]; then
	ok "DKMS's mdgpu offers pGPUs ($pgpus) and vGPU types ($types)"
else
	not_ok "DKMS's mdgpu offers pGPUs and vGPU types (pGPUs: $pgpus, types: $types)"
fi

restore
exit $failed
