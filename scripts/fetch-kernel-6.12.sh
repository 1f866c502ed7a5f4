#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# fetch-kernel-6.12.sh - download Debian's signed Linux 6.12 kernel package
# (bookworm-backports) and unpack it under build/, leaving the host alone.
#
# Usage: scripts/fetch-kernel-6.12.sh [--source]
#   --source   also unpack linux-source-6.12 (for reading the loader's code)
#
# A private apt configuration under build/k612/apt (its own sources list,
# package lists and archive cache) points at bookworm-backports only, so
# nothing is added to /etc/apt and nothing on the host is installed or
# upgraded. The newest linux-image-6.12.*+deb12-amd64 (the Debian-signed
# image, not -unsigned) available at run time is chosen, fetched with
# `apt-get download` and unpacked with `dpkg-deb -x` into
# build/k612/root/<version>/. Idempotent: an already unpacked version is
# reused; `apt-get update` runs at most once a day.
#
# Prints, last, the unpacked root (holding boot/vmlinuz-<kver> and
# lib/modules/<kver>/).
# Exit: 0 done, 1 failure (no network, no package).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=$ROOT/build/k612
APT=$BASE/apt
SOURCE=0
[ "${1:-}" != --source ] || SOURCE=1

mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/debs" \
	"$BASE/root"
cat > "$APT/sources.list" <<LIST
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main
LIST
APTOPTS=(-o "Dir::Etc::SourceList=$APT/sources.list"
	-o "Dir::Etc::SourceParts=/dev/null"
	-o "Dir::State::Lists=$APT/lists"
	-o "Dir::Cache=$APT/cache"
	-o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
	-o "APT::Sandbox::User=root"
	-o "Debug::NoLocking=1")

# Offline with package lists from an earlier run: go on with those (the
# newest version they name is then the one unpacked before).
stamp=$APT/updated
if [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
	if apt-get "${APTOPTS[@]}" -q update >&2; then
		touch "$stamp"
	elif [ -e "$stamp" ]; then
		echo "fetch-kernel-6.12: apt-get update failed; using the package lists of $(date -r "$stamp")" >&2
	else
		echo "fetch-kernel-6.12: apt-get update of bookworm-backports failed" >&2
		exit 1
	fi
fi

pkg=$(apt-cache "${APTOPTS[@]}" pkgnames linux-image-6.12. |
	grep -E '^linux-image-6\.12\.[0-9]+\+deb12(\.[0-9]+)?-amd64$' |
	sort -V | tail -n 1)
[ -n "$pkg" ] || { echo "fetch-kernel-6.12: no linux-image-6.12.*-amd64 in bookworm-backports" >&2; exit 1; }
kver=${pkg#linux-image-}
dest=$BASE/root/$kver

fetch() {	# fetch PACKAGE: the .deb path on stdout
	local p=$1 deb
	deb=$(ls "$APT/debs/${p}_"*.deb 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -z "$deb" ]; then
		(cd "$APT/debs" && apt-get "${APTOPTS[@]}" -q download "$p" >&2)
		deb=$(ls "$APT/debs/${p}_"*.deb | sort -V | tail -n 1)
	fi
	echo "$deb"
}

if [ ! -f "$dest/.unpacked" ]; then
	deb=$(fetch "$pkg")
	rm -rf "$dest"
	mkdir -p "$dest"
	dpkg-deb -x "$deb" "$dest"
	touch "$dest/.unpacked"
fi
[ -r "$dest/boot/vmlinuz-$kver" ] ||
	{ echo "fetch-kernel-6.12: $pkg has no boot/vmlinuz-$kver" >&2; exit 1; }

if [ "$SOURCE" = 1 ] && [ ! -d "$BASE/src" ]; then
	deb=$(fetch linux-source-6.12)
	mkdir -p "$BASE/src.tmp"
	dpkg-deb -x "$deb" "$BASE/src.tmp"
	tar -C "$BASE/src.tmp" -xf "$BASE"/src.tmp/usr/src/linux-source-6.12.tar.*
	mv "$BASE/src.tmp" "$BASE/src"
fi
echo "$dest"
