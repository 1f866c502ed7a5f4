#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# htmldocs.sh - render Documentation/ to HTML with Sphinx (`make htmldocs`).
#
# The kernel-doc comments of uapi/heki/*.h and vtl1/include/heki_vtl1.h are
# pulled in with the kernel's `.. kernel-doc::` directive. The directive
# (Documentation/sphinx/kerneldoc.py, kernellog.py) and the script it runs
# (scripts/kernel-doc) come from Debian's linux-source-6.1 tarball, extracted
# once by scripts/kernel-source.sh; they are not copied into this repository.
#
# Warnings are errors: sphinx-build -W (broken references included, see
# nitpicky in Documentation/conf.py) and KDOC_WERROR=1, which makes
# kernel-doc fail on any warning of its own (an undocumented member or
# parameter, a missing Return: section); the directive reports that failure
# to Sphinx as a warning. Every run starts from an empty OUTDIR, so a
# warning cannot hide behind a page Sphinx cached as already read.
#
# Usage: scripts/htmldocs.sh [OUTDIR [SRCDIR]]
#   OUTDIR   default build/htmldocs (OUTDIR/index.html is the start page)
#   SRCDIR   default Documentation (tests render other trees with the
#            same Documentation/conf.py)
# Prints nothing but warnings; the exit status is non-zero on any warning.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:-build/htmldocs}
SRC=${2:-Documentation}

command -v sphinx-build >/dev/null || {
	echo "htmldocs: sphinx-build not found: run 'bash scripts/setup.sh' as root" >&2
	exit 1
}
HEKI_KERNEL_DOC_DIR=$(scripts/kernel-source.sh scripts/kernel-doc \
	Documentation/sphinx/kerneldoc.py Documentation/sphinx/kernellog.py)
export HEKI_KERNEL_DOC_DIR KDOC_WERROR=1

rm -rf "$OUT"
exec sphinx-build -q -W --keep-going -b html -c Documentation \
	-d "$OUT/.doctrees" "$SRC" "$OUT"
