# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# audit.sh - audit records in a VM suite (source it from bash, from the
# repository root).
#
#   audit_vm_args OUT
#       Builds OUT/audit-read (tests/vm/audit-read.c, static: the guest's
#       audit daemon) and unpacks Debian 12's ausearch into build/audit
#       (apt-get download auditd libauparse0, dpkg-deb -x: nothing is
#       installed on the host). Sets AUDIT_ARGS, the scripts/vm-run.sh
#       options that copy both, ausearch's libraries (ldd) and
#       tests/vm/audit-guest-lib.sh (the guest's helpers) into the guest.
#       Returns non-zero (message on stderr) when it cannot.

audit_vm_args() {
	local out=$1 root=build/audit/root libpath lib
	gcc -static -O2 -Wall -Wextra -Werror -o "$out/audit-read" \
		tests/vm/audit-read.c || return 1
	if [ ! -x "$root/sbin/ausearch" ]; then
		mkdir -p build/audit/debs "$root.tmp"
		(cd build/audit/debs && apt-get download auditd libauparse0) \
			>/dev/null 2>&1 || {
			echo "apt-get download auditd libauparse0 failed" >&2
			return 1
		}
		for d in build/audit/debs/*.deb; do
			dpkg-deb -x "$d" "$root.tmp" || return 1
		done
		rm -rf "$root" && mv "$root.tmp" "$root"
	fi
	libpath=$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu
	AUDIT_ARGS=(-f "$out/audit-read" -f tests/vm/audit-guest-lib.sh
		-F "$root/sbin/ausearch:/bin/ausearch")
	for lib in $(LD_LIBRARY_PATH=$libpath ldd "$root/sbin/ausearch" |
		awk '$2 == "=>" { print $3 } $1 ~ /^\// { print $1 }'); do
		case $lib in
		"$root"/*) AUDIT_ARGS+=(-F "$lib:/lib/x86_64-linux-gnu/${lib##*/}") ;;
		*) AUDIT_ARGS+=(-F "$lib:$lib") ;;
		esac
	done
}
