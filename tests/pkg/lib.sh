# SPDX-License-Identifier: GPL-2.0-only OR MIT
# shellcheck shell=bash
#
# lib.sh - helpers of the packaging suites (tests/pkg/*.sh; sourced, not run).
# ROOT is the repository.
#
#   pkg_build           build the packages of debian/ with
#                       `dpkg-buildpackage -us -uc -b` in a copy of the
#                       working tree (tracked and untracked files, not
#                       build/), once per tree content; sets PKG_OUT (the
#                       directory with the .deb, .changes and build.log),
#                       PKG_DKMS, PKG_DEV (the two .deb files) and PKG_VER
#   overlay_run LOWER OUT SCRIPT [ARG...]
#                       run the bash SCRIPT as root in a throwaway copy of
#                       the root LOWER (/ for this machine): an overlay
#                       whose writable layer is a tmpfs in a private mount
#                       namespace, with /proc, /sys, /dev and a tmpfs /tmp;
#                       OUT is bind-mounted at the same path (the only place
#                       results survive). LOWER itself is never written.
#                       OVERLAY_BINDS="SRC:DEST ...": more directories of
#                       this machine bind-mounted at DEST (e.g. a deb cache
#                       at /var/cache/apt/archives)
#   check NAME CMD...   run CMD, one KTAP result (tests/lib/ktap.sh)

. "$ROOT/tests/lib/ktap.sh"

check() {
	local name=$1
	shift
	if "$@"; then result 1 "$name"; else result 0 "$name"; fi
}

pkg_build() {
	local src hash log
	src=$ROOT/build/pkg/src
	rm -rf "$src"
	mkdir -p "$src/heki"
	(cd "$ROOT" && git ls-files -co --exclude-standard -z | grep -zv '^build/' |
		xargs -0 cp --parents -t "$src/heki") || return 1
	hash=$(cd "$src/heki" && find . -type f -print0 | sort -z |
		xargs -0 sha256sum | sha256sum | cut -c1-16)
	PKG_OUT=$ROOT/build/pkg/out-$hash
	PKG_VER=$(dpkg-parsechangelog -l "$src/heki/debian/changelog" -S Version)
	PKG_DKMS=$PKG_OUT/heki-dkms_${PKG_VER}_all.deb
	PKG_DEV=$PKG_OUT/libheki-vtl1-dev_${PKG_VER}_$(dpkg --print-architecture).deb
	if [ -f "$PKG_OUT/.done" ]; then
		rm -rf "$src"
		return 0
	fi
	rm -rf "$ROOT"/build/pkg/out-*
	mkdir -p "$PKG_OUT"
	log=$PKG_OUT/build.log
	echo "# dpkg-buildpackage -us -uc -b (log: $log)"
	if ! (cd "$src/heki" && dpkg-buildpackage -us -uc -b) >"$log" 2>&1; then
		tail -n 20 "$log" | sed 's/^/# /'
		return 1
	fi
	mv "$src"/*.deb "$src"/*.changes "$src"/*.buildinfo "$PKG_OUT/"
	rm -rf "$src"
	touch "$PKG_OUT/.done"
}

overlay_run() {
	local lower=$1 out=$2 script=$3
	shift 3
	mkdir -p "$out"
	unshare --mount --propagation private -- /bin/bash -s -- \
		"$lower" "$out" "${OVERLAY_BINDS:-}" "$script" "$@" <<'NS'
set -e
lower=$1 out=$2 binds=$3 script=$4
shift 4
w=$(mktemp -d /tmp/heki-overlay.XXXXXX)
mount -t tmpfs -o size=4g tmpfs "$w"
mkdir "$w/upper" "$w/work" "$w/root"
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$w/upper,workdir=$w/work" "$w/root"
mount -t proc proc "$w/root/proc"
mount -t sysfs sysfs "$w/root/sys"
mount --rbind /dev "$w/root/dev"
mount -t tmpfs tmpfs "$w/root/tmp"
mkdir -p "$w/root$out"
mount --bind "$out" "$w/root$out"
for b in $binds; do
	mkdir -p "$w/root${b#*:}"
	mount --bind "${b%%:*}" "$w/root${b#*:}"
done
cp "$script" "$w/root/tmp/script.sh"
rc=0
chroot "$w/root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/bash /tmp/script.sh "$@" || rc=$?
umount -R "$w/root" 2>/dev/null || umount -l "$w/root"
umount "$w"
rmdir "$w"
exit $rc
NS
}
