#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# dkms-tree.sh DEST - copy the sources of the production module heki_vtl0.ko
# into DEST (the DKMS tree /usr/src/heki-VERSION of heki-dkms).
#
# What kbuild builds is asked of ./Kbuild itself (kmod/heki_vtl0-y with
# HEKI_PRODUCTION=1), so a file added to the module needs no change here:
#   - Kbuild and the wire ABI headers uapi/heki/*.h;
#   - for each object of kmod/heki_vtl0-y, its .c or .S source;
#   - every header (.h) and kbuild fragment (.mk) of the directories those
#     objects are in.
# Test-only sources (the test build, the self-tests, the loopback VTL1)
# are left out. Run from the top of the source tree.
set -eu

dest=${1:?usage: debian/dkms-tree.sh DEST}
objs=$(printf 'include Kbuild\nheki-print-objs:\n\t@echo $(kmod/heki_vtl0-y)\n' |
	make -s --no-print-directory -f - src=. HEKI_PRODUCTION=1 heki-print-objs)
[ -n "$objs" ] || { echo "dkms-tree: Kbuild lists no kmod/heki_vtl0-y objects" >&2; exit 1; }

install -d "$dest/uapi/heki"
install -m 644 Kbuild "$dest/"
install -m 644 uapi/heki/*.h "$dest/uapi/heki/"
dirs=
for o in $objs; do
	src=
	for ext in c S; do
		if [ -f "${o%.o}.$ext" ]; then src=${o%.o}.$ext; fi
	done
	[ -n "$src" ] || { echo "dkms-tree: no source for $o" >&2; exit 1; }
	install -D -m 644 "$src" "$dest/$src"
	dir=$(dirname "$o")
	case " $dirs " in *" $dir "*) ;; *) dirs="$dirs $dir" ;; esac
done
for dir in $dirs; do
	for f in "$dir"/*.h "$dir"/*.mk; do
		if [ -f "$f" ]; then install -D -m 644 "$f" "$dest/$f"; fi
	done
done
