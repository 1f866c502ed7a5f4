#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# kernel-source.sh - files from Debian's kernel source tarball, on demand.
#
# Debian's headers packages lack some of the kernel's tools (checkpatch.pl,
# the Sphinx extensions of Documentation/sphinx/); linux-source-6.1
# (installed by scripts/setup.sh) ships them inside
# /usr/src/linux-source-6.1.tar.xz. This prints the absolute path of
# build/kernel-source/linux-source-<ver>, the tree of the newest tarball,
# after extracting from it those of the given paths that are not there yet
# (each once; nothing is copied into the repository).
#
# Usage: scripts/kernel-source.sh PATH...   (paths inside the tree, e.g.
#        scripts/kernel-doc); exits non-zero if there is no tarball or a PATH
#        is not in it.
set -euo pipefail
cd "$(dirname "$0")/.."

tarball=$(find /usr/src -maxdepth 1 -name 'linux-source-*.tar.xz' 2>/dev/null | sort -V | tail -n 1)
if [ -z "$tarball" ]; then
	echo "kernel-source: no /usr/src/linux-source-*.tar.xz (run scripts/setup.sh as root)" >&2
	exit 1
fi
top=$(basename "$tarball" .tar.xz)
base=build/kernel-source
missing=()
for p in "$@"; do
	[ -e "$base/$top/$p" ] || missing+=("$top/$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	# Into a scratch folder first, then renamed into place: a concurrent
	# caller sees each file whole or not at all.
	mkdir -p "$base"
	tmp=$(mktemp -d "$base/.extract.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	tar -xJf "$tarball" -C "$tmp" "${missing[@]}"
	for m in "${missing[@]}"; do
		mkdir -p "$(dirname "$base/$m")"
		mv -f "$tmp/$m" "$base/$m"
	done
fi
realpath "$base/$top"
