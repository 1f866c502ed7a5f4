#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# install.sh - heki-dkms installed with dpkg on this machine's Debian 12
# (its 6.1 kernel and headers), in a throwaway overlay of the root
# (tests/pkg/lib.sh overlay_run; the machine itself is not changed):
# DKMS build and install, certificates, initramfs hook, the refusals. What
# each check proves: tests/pkg/host-root.sh and Documentation/packaging.rst.
# Ends with `N passed, N failed`.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
. tests/pkg/lib.sh

OUT=$ROOT/build/pkg/host
rm -rf "$OUT"
mkdir -p "$OUT"
if ! pkg_build; then
	result 0 dpkg_buildpackage
	ktap_done
	exit
fi
while read -r tag ok name; do
	[ "$tag" = RESULT ] && result "$ok" "$name"
done < <(overlay_run / "$OUT" tests/pkg/host-root.sh "$ROOT" "$OUT" "$PKG_DKMS")
[ "$KTAP_FAIL" -eq 0 ] || { echo "# log: $OUT/host-root.log"; tail -n 30 "$OUT/host-root.log" | sed 's/^/# /'; }
kver=$(basename "$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -n 1)")
echo "# kernel-matrix: bookworm ${kver#linux-headers-} dkms $([ "$KTAP_FAIL" -eq 0 ] && echo PASS || echo FAIL)"
ktap_done
