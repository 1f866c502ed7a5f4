# SPDX-License-Identifier: GPL-2.0-only
# Guest part of tests/vm/selftest.sh (run by scripts/vm-run.sh).
# The module prints its KTAP lines while insmod runs; insmod fails if any
# case failed. The shell's own checks are numbered after the module's.

rc=0
insmod /heki_selftest.ko || rc=$?
ktap_from_dmesg "heki_selftest: "
VM_TEST_N=$(dmesg | grep -c "heki_selftest: \(not \)\{0,1\}ok [0-9]") || true
t "insmod heki_selftest.ko succeeded (rc=$rc)" [ "$rc" -eq 0 ]
if [ "$rc" -eq 0 ]; then
	t "rmmod heki_selftest" rmmod heki_selftest
	t "no heki_selftest debugfs left" fails test -e /sys/kernel/debug/heki_selftest
fi
