# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of scripts/demo.sh (busybox sh -e, run by scripts/vm-run.sh).

D=/sys/kernel/debug/heki
step() { printf '\n=== %s\n' "$*"; }
run() { echo "\$ $*"; "$@"; }
# show_log PATTERN: the kernel's heki lines since the last call
LOGMARK=0
show_log() {
	dmesg | awk -v from="$LOGMARK" 'NR > from && /heki_vtl0|heki_test_mod/ { sub(/^\[[ 0-9.]*\] /, ""); print "    | " $0 }'
	LOGMARK=$(dmesg | wc -l)
}
show_log >/dev/null

step "1. Load heki_vtl0. transport=loopback runs the VTL1 validator inside this kernel"
echo "    (on Hyper-V, transport=hyperv makes real VTL calls instead)"
run insmod $HEKI_KO $HEKI_ARGS certs=heki/test-certs.der
show_log

step "2. What it did at load ($D/boot)"
sed 's/^/    /' $D/boot

step "3. Load a module signed with the test key"
run insmod /heki_test_mod.ko
show_log
grep -q '^heki_test_mod ' /proc/modules
echo "DEMO-RESULT: signed module accepted (it runs, VTL1 holds token $(sed -n 's/^token \([0-9]*\) module heki_test_mod .*/\1/p' $D/modules))"
run rmmod heki_test_mod
show_log

step "4. The same signed file with one byte flipped"
echo "\$ cmp -l heki_test_mod.ko heki_test_mod-tampered.ko   (offset, old byte, new byte in octal)"
cmp -l /heki_test_mod.ko /heki_test_mod-tampered.ko | sed 's/^/    /' || true
echo "\$ insmod /heki_test_mod-tampered.ko"
if out=$(insmod /heki_test_mod-tampered.ko 2>&1); then
	echo "    $out"
	echo "DEMO-RESULT: TAMPERED MODULE WAS ACCEPTED"
	exit 1
fi
echo "    $out"
show_log
if grep -q '^heki_test_mod ' /proc/modules; then
	echo "DEMO-RESULT: tampered module is loaded"
	exit 1
fi
echo "DEMO-RESULT: tampered module refused (busybox insmod tried finit_module, then init_module: two refusals)"

step "5. debugfs summary ($D/)"
echo "--- stats (VTL calls that were made)"
awk 'NR == 1 || $2 > 0' $D/stats | sed 's/^/    /'
echo "--- modules"
sed 's/^/    /' $D/modules
echo "--- allocations"
sed 's/^/    /' $D/allocations
echo "--- protections (recorded by the loopback VTL1, last lines)"
tail -n 4 $D/protections | sed 's/^/    /'
