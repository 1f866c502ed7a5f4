# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest helpers for audit records (tests/lib/audit.sh copies this file,
# /audit-read and ausearch into the guest):
#   audit_start         start /audit-read, the audit daemon, logging to
#                       /tmp/audit.log in auditd's raw format
#   audit_has FIELD...  ausearch -if /tmp/audit.log -m KERNEL_OTHER finds
#                       a record holding every FIELD (fixed strings)

audit_start() {
	/audit-read /tmp/audit.log >/tmp/audit-read.out 2>&1 &
	sleep 1
	grep -qx ready /tmp/audit-read.out
}

audit_has() {
	ausearch -if /tmp/audit.log -m KERNEL_OTHER --raw >/tmp/audit.sel \
		2>/tmp/audit.err || {
		echo "# ausearch: $(cat /tmp/audit.err)"
		return 1
	}
	for f in "$@"; do
		if ! grep -F -- "$f" /tmp/audit.sel >/tmp/audit.sel2; then
			echo "# no heki audit record with all of: $*"
			grep "op=heki_" /tmp/audit.sel | tail -n 3 | sed 's/^/# /'
			return 1
		fi
		mv /tmp/audit.sel2 /tmp/audit.sel
	done
	sed 's/^/# /' /tmp/audit.sel | tail -n 1
}
