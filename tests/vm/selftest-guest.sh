# SPDX-License-Identifier: GPL-2.0-only
# Guest part of tests/vm/selftest.sh (run by scripts/vm-run.sh).
# The module prints its KTAP lines while insmod runs; insmod fails if any
# case failed. busybox insmod retries a failed finit_module with
# init_module, so a failing run prints the KTAP block twice: only the
# first block (up to its "# heki_selftest: pass:" line) is counted. The
# shell's own checks are numbered after the module's.

ktap_first_run() {
	dmesg | sed -n 's/^\[[ 0-9.]*\] heki_selftest: //p' |
		sed -n '1,/^# heki_selftest: pass:/p'
}

rc=0
insmod /heki_selftest.ko || rc=$?
ktap_first_run
VM_TEST_N=$(ktap_first_run | grep -c '^\(not \)\{0,1\}ok [0-9]') || true
t "insmod heki_selftest.ko succeeded (rc=$rc)" [ "$rc" -eq 0 ]
if [ "$rc" -eq 0 ]; then
	t "rmmod heki_selftest" rmmod heki_selftest
	t "no heki_selftest debugfs left" fails test -e /sys/kernel/debug/heki_selftest
fi
