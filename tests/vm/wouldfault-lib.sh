# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest helpers shared by both boots of tests/vm/wouldfault.sh (copied
# into the guest as /wouldfault-lib.sh): the detector's counters and
# events, and the step both boots take through a patching path.

W=/sys/kernel/heki_wouldfault
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null || true

# The kernel this boot runs: the one the host chose (HEKI_KERNEL, passed
# as HEKI_KVER), so no figure is reported for another kernel.
echo "# kernel: $(uname -r)"
t "the guest runs kernel ${HEKI_KVER:-(unset)}" test "$(uname -r)" = "${HEKI_KVER:-}"

# of NAME: the detector's count NAME from its summary.
of() { sed -n "s/^$1 //p" $W/summary; }
# event_line PATTERN: a logged would-fault event matches the ERE PATTERN.
event_line() { dmesg | grep 'heki_wouldfault: would-fault #' | grep -qE "$1"; }

# kprobe_writes_text NAME: arming kprobe NAME on do_sys_openat2 writes
# protected kernel text; the detector counts and logs it with the site,
# the owner and the kernel path. The probe is removed afterwards.
kprobe_writes_text() {
	e0=$(of text_poke)
	t "arm a kprobe on do_sys_openat2" sh -c \
		"echo 'p:$1 do_sys_openat2' >$T/kprobe_events && echo 1 >$T/events/kprobes/$1/enable"
	t "  text_poke wrote protected kernel text: events" test "$(of text_poke)" -gt "$e0"
	t "  logged with the site, owner kernel and the kernel path" \
		event_line "text_poke wrote [0-9]+ bytes at do_sys_openat2\+0x0/0x[0-9a-f]+ \(frame 0x[0-9a-f]+, kernel \(ProtectMemory\), VTL0 access r-x[-u]\); path: [a-z_]+.* <- arm_kprobe"
	echo 0 >$T/events/kprobes/"$1"/enable
	echo "-:$1" >>$T/kprobe_events
}
