# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/wouldfault.sh, second boot: the detector in the
# test build heki_vtl0_test.ko (loopback transport). Once kernel text is
# protected, arming a kprobe writes it: the loopback transport must
# report that write as Hyper-V would refuse it.
# Then the xframes measurement (tests/vm/xframes-lib.sh): the pages the
# kernel maps executable after heki_vtl0's end of boot, against what VTL1
# holds, and again with a JIT-compiled BPF program loaded (bpf-hold), the
# function tracer on one function and the kprobe armed
# (Documentation/security-model.rst, Frames VTL1 never protected).

# shellcheck source=tests/vm/wouldfault-lib.sh
. /wouldfault-lib.sh

# shellcheck disable=SC2086 # HEKI_ARGS is a list of parameters
t "heki_vtl0_test loads (loopback, kernel text protected)" \
	insmod "$HEKI_KO" $HEKI_ARGS certs=heki/test-certs.der
t "  its detector is armed" test -e $W/events
t "  its own load wrote nothing VTL1 protects" test "$(cat $W/events)" = 0
kprobe_writes_text heki_wf_lb

# shellcheck source=tests/vm/xframes-lib.sh
. /xframes-lib.sh
xframes boot
grep '^x ' /tmp/xf.boot | sed 's/^/# xframes boot: /'
t "xframes boot: kernel image text held by VTL1 with kernel execute" \
	test "$(xf_owner boot kernel_image vtl1_x)" -gt 0
# The JIT image's address from /proc/kallsyms (bpf_jit_kallsyms on).
echo 1 >/proc/sys/net/core/bpf_jit_kallsyms
t "a JIT-compiled BPF program loaded" /bpf-hold \
	"cat $XF >/tmp/xf.bpf && grep ' bpf_prog_[0-9a-f]*_heki_xframes' /proc/kallsyms >/tmp/bpf.sym"
grep -E '^(total|x_pages) ' /tmp/xf.bpf | sed "s/^/# xframes bpf: /"
sed 's/^/# xframes bpf: kallsyms: /' /tmp/bpf.sym
t "xframes bpf: the JIT image is executable in a frame VTL1 never protected" \
	xf_covers bpf "$(cut -d' ' -f1 /tmp/bpf.sym)" none
t "xframes bpf: no executable mapping of a frame VTL1 holds without kernel execute" \
	test "$(xf_field bpf vtl1_nx)" = 0
echo do_sys_openat2 >$T/set_ftrace_filter
t "function tracer on do_sys_openat2" sh -c "echo function >$T/current_tracer"
xframes ftrace
echo nop >$T/current_tracer
echo >$T/set_ftrace_filter
t "a kprobe armed on do_sys_openat2" sh -c \
	"echo 'p:heki_xf do_sys_openat2' >$T/kprobe_events && echo 1 >$T/events/kprobes/heki_xf/enable"
xframes kprobe
grep '^x ' /tmp/xf.kprobe | sed 's/^/# xframes kprobe: /'
echo 0 >$T/events/kprobes/heki_xf/enable
echo '-:heki_xf' >>$T/kprobe_events
echo "# xframes: pages executable in frames VTL1 never protected: boot $(xf_none boot), bpf $(xf_none bpf), ftrace $(xf_none ftrace), kprobe $(xf_none kprobe)"
