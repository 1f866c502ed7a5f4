# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/wouldfault.sh, second boot: the detector in the
# test build heki_vtl0_test.ko (loopback transport). Once kernel text is
# protected, arming a kprobe writes it: the loopback transport must
# report that write as Hyper-V would refuse it.

# shellcheck source=tests/vm/wouldfault-lib.sh
. /wouldfault-lib.sh

# shellcheck disable=SC2086 # HEKI_ARGS is a list of parameters
t "heki_vtl0_test loads (loopback, kernel text protected)" \
	insmod "$HEKI_KO" $HEKI_ARGS certs=heki/test-certs.der
t "  its detector is armed" test -e $W/events
t "  its own load wrote nothing VTL1 protects" test "$(cat $W/events)" = 0
kprobe_writes_text heki_wf_lb
