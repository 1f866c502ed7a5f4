#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# checkpatch-path.sh - print the path of the kernel's checkpatch.pl.
#
# Debian's headers package does not ship checkpatch.pl; linux-source-6.1
# (installed by scripts/setup.sh) does, inside its tarball. Looked up in
# order: $CHECKPATCH, a headers tree that has one, else the script and the
# data files it reads, extracted once by scripts/kernel-source.sh.
# Run from anywhere; exits 1 if no checkpatch.pl can be found.
set -euo pipefail
cd "$(dirname "$0")/.."

for c in "${CHECKPATCH:-}" /usr/src/linux-headers-*-common/scripts/checkpatch.pl; do
	if [ -n "$c" ] && [ -x "$c" ]; then
		realpath "$c"
		exit 0
	fi
done
tree=$(scripts/kernel-source.sh scripts/checkpatch.pl scripts/spelling.txt \
	scripts/const_structs.checkpatch) || {
	echo "checkpatch-path: no checkpatch.pl (run scripts/setup.sh)" >&2
	exit 1
}
echo "$tree/scripts/checkpatch.pl"
