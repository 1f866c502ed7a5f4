#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# build.sh - the Debian packages of debian/: `dpkg-buildpackage -us -uc -b`
# in a copy of the working tree, lintian (no error, no warning that is not
# overridden with a reason in debian/*.lintian-overrides), and what each
# package holds: heki-dkms only the production module's sources and the
# early-load files, libheki-vtl1-dev the library, headers and pkg-config
# file. Ends with `N passed, N failed`.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
. tests/pkg/lib.sh

check dpkg_buildpackage pkg_build
if [ "$KTAP_FAIL" -ne 0 ]; then
	ktap_done
	exit
fi

# lintian on the .changes: both packages; E and W tags fail, I/P are shown.
lintian_log=$PKG_OUT/lintian.log
lintian --pedantic -I -E --show-overrides "$PKG_OUT"/*.changes >"$lintian_log" 2>&1
sed 's/^/# lintian: /' "$lintian_log" | grep -v 'running with root privileges'
no_lintian() { ! grep -E "^$1: " "$lintian_log"; }
check lintian_no_errors no_lintian E
check lintian_no_warnings no_lintian W

contents() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|'; }
dkms_files=$(contents "$PKG_DKMS") dev_files=$(contents "$PKG_DEV")
SRC=/usr/src/heki-$PKG_VER
has() { grep -qxF "$2" <<<"$1"; }
lacks() { ! grep -qE "$2" <<<"$1"; }
for f in $SRC/dkms.conf $SRC/Kbuild $SRC/kmod/main.c $SRC/uapi/heki/abi.h \
	/usr/share/initramfs-tools/hooks/heki-dkms \
	/usr/share/initramfs-tools/scripts/init-top/00heki \
	/etc/modprobe.d/heki.conf /usr/lib/modules-load.d/heki.conf \
	/etc/kernel/postinst.d/heki /etc/kernel/postrm.d/heki \
	/usr/sbin/heki-update-certs; do
	check "heki_dkms_has_${f//\//_}" has "$dkms_files" "$f"
done
# Every production object's source is there (Kbuild, HEKI_PRODUCTION=1).
objs=$(printf 'include Kbuild\nx:\n\t@echo $(kmod/heki_vtl0-y)\n' |
	make -s --no-print-directory -f - src=. HEKI_PRODUCTION=1 x)
all_sources() { local o; for o in $objs; do has "$dkms_files" "$SRC/${o%.o}.c" || has "$dkms_files" "$SRC/${o%.o}.S" || return 1; done; }
check heki_dkms_has_every_production_source all_sources
check heki_dkms_has_no_test_build lacks "$dkms_files" '/(test|selftest|wouldfault)/|loopback|test_params|/vtl1/|\.o$|\.ko$'
check heki_dkms_is_arch_all test "$(dpkg-deb -f "$PKG_DKMS" Architecture)" = all
depends_dkms() { dpkg-deb -f "$PKG_DKMS" Depends | grep -q 'dkms'; }
check heki_dkms_depends_on_dkms depends_dkms
triggers_initramfs() { dpkg-deb -I "$PKG_DKMS" triggers | grep -qx 'activate-noawait update-initramfs'; }
check heki_dkms_triggers_update_initramfs triggers_initramfs
dkms_conf() { dpkg-deb --fsys-tarfile "$PKG_DKMS" | tar -xO ".$SRC/dkms.conf"; }
conf_version() { dkms_conf | grep -qx "PACKAGE_VERSION=\"$PKG_VER\""; }
check dkms_conf_version_substituted conf_version
conf_production() { dkms_conf | grep -q '^MAKE\[0\]=.*HEKI_PRODUCTION=1'; }
check dkms_conf_builds_production_only conf_production
scripts_parse() { local s; for s in postinst postrm prerm; do dpkg-deb -I "$PKG_DKMS" "$s" | sh -n || return 1; done; }
check maintainer_scripts_parse scripts_parse

MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for f in /usr/lib/$MA/libheki_vtl1.a /usr/lib/$MA/pkgconfig/heki-vtl1.pc \
	/usr/include/heki-vtl1/heki_vtl1.h /usr/include/heki-vtl1/heki/abi.h; do
	check "dev_has_${f//\//_}" has "$dev_files" "$f"
done
every_uapi_header() { local h; for h in uapi/heki/*.h; do has "$dev_files" "/usr/include/heki-vtl1/heki/${h##*/}" || return 1; done; }
check dev_has_every_uapi_header every_uapi_header
ktap_done
