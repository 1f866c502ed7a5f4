#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# checkpatch-path.sh - print the path of the kernel's checkpatch.pl.
#
# Debian's headers package does not ship checkpatch.pl; linux-source-6.1
# (installed by scripts/setup.sh) does, inside its tarball. Looked up in
# order: $CHECKPATCH, a headers tree that has one, an earlier extraction in
# build/checkpatch/, else the script (and the data files it reads) is
# extracted once from /usr/src/linux-source-*.tar.xz into build/checkpatch/.
# Run from anywhere; exits 1 if no checkpatch.pl can be found.
set -euo pipefail
cd "$(dirname "$0")/.."

for c in "${CHECKPATCH:-}" /usr/src/linux-headers-*-common/scripts/checkpatch.pl \
	build/checkpatch/linux-source-*/scripts/checkpatch.pl; do
	if [ -n "$c" ] && [ -x "$c" ]; then
		realpath "$c"
		exit 0
	fi
done
tarball=$(find /usr/src -maxdepth 1 -name 'linux-source-*.tar.xz' 2>/dev/null | sort -V | tail -n 1)
if [ -z "$tarball" ]; then
	echo "checkpatch-path: no checkpatch.pl and no linux-source tarball (run scripts/setup.sh)" >&2
	exit 1
fi
mkdir -p build/checkpatch
tar -xJf "$tarball" -C build/checkpatch --wildcards '*/scripts/checkpatch.pl' \
	'*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
realpath "$(find build/checkpatch -path '*/scripts/checkpatch.pl' | head -n 1)"
