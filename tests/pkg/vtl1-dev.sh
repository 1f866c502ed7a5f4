#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# vtl1-dev.sh - libheki-vtl1-dev installed with dpkg into a scratch root
# (dpkg --root: its own dpkg database, the machine untouched), then a small
# freestanding VTL1 firmware (tests/pkg/vtl1-consumer.c) compiled and linked
# from that root alone with `pkg-config --cflags --libs heki-vtl1`
# (PKG_CONFIG_SYSROOT_DIR) and run. Ends with `N passed, N failed`.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
. tests/pkg/lib.sh

if ! pkg_build; then
	result 0 dpkg_buildpackage
	ktap_done
	exit
fi
W=$ROOT/build/pkg/vtl1-dev
R=$W/root
rm -rf "$W"
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$W/src"
: > "$R/var/lib/dpkg/status"
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

check dpkg_root_install dpkg --root="$R" --log=/dev/null -i "$PKG_DEV"
installed() { dpkg --root="$R" -s libheki-vtl1-dev | grep -q '^Status: install ok installed'; }
check package_installed installed
export PKG_CONFIG_SYSROOT_DIR=$R PKG_CONFIG_LIBDIR=$R/usr/lib/$MA/pkgconfig
export PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1
check pkg_config_finds_heki_vtl1 pkg-config --exists heki-vtl1
abi=$(sed -n 's/^#define HEKI_ABI_VERSION_MAJOR\t\([0-9]*\)$/\1/p' uapi/heki/abi.h).$(sed -n 's/^#define HEKI_ABI_VERSION_MINOR\t\([0-9]*\)$/\1/p' uapi/heki/abi.h)
modversion_is_abi() { [ "$(pkg-config --modversion heki-vtl1)" = "$abi" ]; }
check pkg_config_version_is_wire_abi modversion_is_abi
cflags=$(pkg-config --cflags heki-vtl1) libs=$(pkg-config --libs heki-vtl1)
echo "# cflags: $cflags"
echo "# libs:   $libs"
only_root() { for f in $cflags $libs; do case $f in -I* | -L*) [[ $f == -?"$R"/* ]] || return 1 ;; esac; done; }
check flags_point_into_installed_root only_root

# The consumer, copied alone: nothing of the repository is on its paths.
cp tests/pkg/vtl1-consumer.c "$W/src/"
FS=(-std=gnu11 -O2 -ffreestanding -fno-builtin -nostdinc -isystem "$(gcc -print-file-name=include)"
	-fno-stack-protector -fno-pic -no-pie -Wall -Wextra -Werror -Wno-unused-parameter)
no_headers_without_pkg_config() { ! gcc "${FS[@]}" -c "$W/src/vtl1-consumer.c" -o "$W/none.o" 2>/dev/null; }
check consumer_needs_the_package no_headers_without_pkg_config
# shellcheck disable=SC2086 # pkg-config output is a word list
check consumer_compiles gcc "${FS[@]}" $cflags -c "$W/src/vtl1-consumer.c" -o "$W/consumer.o"
# shellcheck disable=SC2086
check consumer_links_freestanding gcc -nostdlib -static -no-pie -o "$W/consumer" "$W/consumer.o" $libs
links_nothing() { [ -z "$(nm -u "$W/consumer")" ] && ! readelf -l "$W/consumer" | grep -q INTERP; }
check consumer_needs_nothing_at_run_time links_nothing

echo "# running the consumer"
if [ -x "$W/consumer" ]; then
	while read -r line; do
		case $line in
		"ok "*) result 1 "consumer_${line#ok * }" ;;
		"not ok "*) result 0 "consumer_${line#not ok * }" ;;
		*" passed, "*" failed") echo "# consumer: $line" ;;
		esac
	done < <("$W/consumer")
fi
ktap_done
