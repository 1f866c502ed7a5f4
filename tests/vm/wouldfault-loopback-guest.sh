# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/wouldfault.sh, second boot: the detector in the
# test build heki_vtl0_test.ko (loopback transport). Once kernel text is
# protected, arming a kprobe writes it: the loopback transport must
# report that write as Hyper-V would refuse it.

W=/sys/kernel/heki_wouldfault
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null || true
of() { sed -n "s/^$1 //p" $W/summary; }
event_line() { dmesg | grep 'heki_wouldfault: would-fault #' | grep -qE "$1"; }

# shellcheck disable=SC2086 # HEKI_ARGS is a list of parameters
t "heki_vtl0_test loads (loopback, kernel text protected)" \
	insmod "$HEKI_KO" $HEKI_ARGS certs=heki/test-certs.der
t "  its detector is armed" test -e $W/events
t "  its own load wrote nothing VTL1 protects" test "$(cat $W/events)" = 0
e0=$(of text_poke)
t "arm a kprobe on do_sys_openat2" sh -c \
	"echo 'p:heki_wf_lb do_sys_openat2' >$T/kprobe_events && echo 1 >$T/events/kprobes/heki_wf_lb/enable"
t "  text_poke events in the loopback transport" test "$(of text_poke)" -gt "$e0"
t "  logged with the site, owner kernel and the kernel path" \
	event_line "text_poke wrote [0-9]+ bytes at do_sys_openat2\+0x0/0x[0-9a-f]+ \(frame 0x[0-9a-f]+, kernel \(ProtectMemory\), VTL0 access r-x[-u]\); path: [a-z_]+.* <- arm_kprobe"
echo 0 >$T/events/kprobes/heki_wf_lb/enable
echo '-:heki_wf_lb' >>$T/kprobe_events
