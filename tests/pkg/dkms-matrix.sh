#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# dkms-matrix.sh - heki-dkms on the other kernels of the matrix
# (scripts/kernel-env.sh: trixie, trixie-cloud, sid; bookworm is
# tests/pkg/install.sh): in a throwaway overlay of each suite's toolchain
# root (scripts/kernel-chroot.sh, never written), tests/pkg/matrix-root.sh
# installs that release's dkms and heki-dkms with apt, and
#   trixie        has the 6.12 generic headers: the postinst builds for it;
#   trixie-cloud  is installed afterwards (its headers and image with apt,
#                 as on an upgrade): DKMS's kernel hook builds for it;
#   sid           has unstable's newest headers: the postinst builds for it.
# Each build: dkms status installed, vermagic, the kernel's own compiler.
# A sid kernel newer than tests/kernels/proven.list whose build fails is
# reported as not yet supported and not counted as a failure (the archive
# keeps only unstable's newest kernel). Ends with `N passed, N failed`.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
. tests/pkg/lib.sh
. scripts/kernel-lib.sh

OUT=$ROOT/build/pkg/matrix
rm -rf "$OUT"
mkdir -p "$OUT/debs"
if ! pkg_build; then
	result 0 dpkg_buildpackage
	ktap_done
	exit
fi
cp "$PKG_DKMS" "$OUT/debs/"
DEB=$OUT/debs/${PKG_DKMS##*/}
CACHE=$(kernel_cache)/debs

# env_of ID: the kernel's KVER and CHROOT (scripts/kernel-env.sh).
env_of() {
	local env
	env=$(scripts/kernel-env.sh "$1" 2>"$OUT/kernel-env-$1.log") ||
		{ sed 's/^/# /' "$OUT/kernel-env-$1.log" | tail -n 5; return 1; }
	eval "$env"
}
# header_deb ID: the kernel's headers package (scripts/kernel-env.sh put it
# in the deb cache); apt takes what it depends on from the archive.
header_deb() {
	local deb
	kernel_id_parse "$1" && kapt_init "$KSUITE" &&
		deb=$(kapt_fetch "linux-headers-$KVER") && cp "$deb" "$OUT/debs/" &&
		echo "$OUT/debs/${deb##*/}"
}
proven() { grep -qx "$1 $2" tests/kernels/proven.list 2>/dev/null; }

# run_root LABEL CHROOT EARLY LATE [LATE_DEB...]: results of matrix-root.sh;
# the names of failed ones are kept in FAILED.
FAILED=
run_root() {
	local label=$1 chroot=$2 early=$3 late=$4 tag ok name
	shift 4
	while read -r tag ok name; do
		[ "$tag" = RESULT ] || continue
		if [ "$ok" = 0 ] && [ "$label" = sid ] && ! proven sid "$early"; then
			echo "# not yet supported: sid $early (heki-dkms: $name failed; last proven $(sed -n 's/^sid //p' tests/kernels/proven.list))"
			KTAP_N=$((KTAP_N + 1))
			echo "ok $KTAP_N ${label}_$name # SKIP not yet supported"
			NYS="$NYS $early"
			continue
		fi
		[ "$ok" = 1 ] || FAILED="$FAILED ${label}_$name"
		result "$ok" "${label}_$name"
	done < <(OVERLAY_BINDS="$CACHE:/var/cache/apt/archives" overlay_run "$chroot" "$OUT" \
		tests/pkg/matrix-root.sh "$OUT" "$DEB" "$early" "$late" "$@")
}
# matrix_line ID KVER: the kernel's line in scripts/check.sh's summary.
matrix_line() {
	local v=PASS
	case " $NYS " in *" $2 "*) v=NOT-YET-SUPPORTED ;; esac
	case "$FAILED" in *"_${2//[^A-Za-z0-9]/_}"*) v=FAIL ;; esac
	echo "# kernel-matrix: $1 $2 dkms $v"
}
NYS=

if env_of trixie; then
	# shellcheck disable=SC2153 # CHROOT: set by env_of
	trixie=$KVER trixie_root=$CHROOT
	if env_of trixie-cloud && cloud_deb=$(header_deb trixie-cloud); then
		run_root trixie "$trixie_root" "$trixie" "$KVER" "$cloud_deb"
		matrix_line trixie "$trixie"
		matrix_line trixie-cloud "$KVER"
	else
		result 0 trixie_cloud_kernel_prepared
	fi
else
	result 0 trixie_kernel_prepared
fi
if env_of sid; then
	run_root sid "$CHROOT" "$KVER" ""
	matrix_line sid "$KVER"
else
	result 0 sid_kernel_prepared
fi
[ "$KTAP_FAIL" -eq 0 ] || echo "# logs: $OUT/matrix-root-*.log"
ktap_done
