# SPDX-License-Identifier: GPL-2.0-only OR MIT
# shellcheck shell=sh
#
# vm-guest-lib.sh - helpers for guest scripts run by scripts/vm-run.sh.
# Sourced by the guest's /init before the test script (busybox sh -e).
# Results are printed as KTAP test lines that vm-run.sh counts.

VM_TEST_N=0

# t NAME CMD... - run CMD as one test; print `ok N NAME` or `not ok N NAME`.
t() {
	_t_name=$1
	shift
	VM_TEST_N=$((VM_TEST_N + 1))
	if "$@"; then
		echo "ok $VM_TEST_N $_t_name"
	else
		echo "not ok $VM_TEST_N $_t_name"
	fi
}

# skip NAME REASON - record a test that could not run here.
skip() {
	VM_TEST_N=$((VM_TEST_N + 1))
	echo "ok $VM_TEST_N $1 # SKIP $2"
}

# fails CMD... - succeed only if CMD fails (for negative tests).
fails() {
	if "$@"; then
		echo "# expected failure, but succeeded: $*"
		return 1
	fi
	return 0
}

# insmod_refused ARGS MESSAGE - `insmod ARGS` fails and its error contains
# the fixed string MESSAGE (both are printed as comments).
insmod_refused() {
	# shellcheck disable=SC2086 # ARGS are several words
	if out=$(insmod $1 2>&1); then
		echo "# insmod $1 was accepted"
		return 1
	fi
	echo "# $out"
	case $out in *"$2"*) return 0 ;; esac
	echo "# expected an error containing: $2"
	return 1
}

# dmesg_has STRING - the kernel log contains the fixed string STRING.
dmesg_has() {
	dmesg | grep -qF -- "$1"
}

# ktap_from_dmesg [PREFIX] - print the KTAP lines of the kernel log (after
# removing the timestamp and PREFIX), so a self-test module's results are
# counted. Call it once per module, after the module has run.
ktap_from_dmesg() {
	dmesg | sed -n "s/^\[[ 0-9.]*\] //; s/^$1//; /^ *\(KTAP version\|[0-9]*\.\.[0-9]\|ok [0-9]\|not ok [0-9]\|#\)/p"
}

# The heki module under test, for tests/vm/* guest scripts (override with
# vm-run.sh -e): its guest path, module name and transport arguments. The
# default is the test build with the loopback transport (Kbuild).
HEKI_KO=${HEKI_KO:-/heki_vtl0_test.ko}
HEKI_MOD=${HEKI_MOD:-heki_vtl0_test}
HEKI_ARGS=${HEKI_ARGS:-transport=loopback}

# heki_preload - run $HEKI_PRELOAD once, before the first load of the
# module under test (e.g. "insmod /heki_hvemu.ko": the emulated Hyper-V
# the hyperv transport needs); nothing when it is empty.
heki_preload() {
	[ -z "${HEKI_PRELOAD:-}" ] || sh -c "$HEKI_PRELOAD"
}

# heki_loaded - the module under test is listed in /proc/modules.
heki_loaded() {
	grep -q "^$HEKI_MOD " /proc/modules
}
