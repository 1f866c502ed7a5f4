# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/tracepoint.sh (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh).

T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null || true
SC=/sys/kernel/heki/static_calls
I=$T/instances/second

eq() {
	[ "$1" = "$2" ] && return 0
	echo "# got '$1', expected '$2'"
	return 1
}
# some context switches: sleeps on both CPUs
switches() {
	for _i in 1 2 3 4 5; do
		sleep 0.05 &
		sleep 0.05
		wait
	done
}
# records BUFFER: BUFFER holds at least one sched_switch event
records() { grep -q 'sched_switch: prev_comm=' "$1"; }

t "sched_switch enabled from the command line" \
	eq "$(cat $T/events/sched/sched_switch/enable)" 1
# no cmdline recorder probes on sched_switch (off since boot already)
echo 0 >$T/options/record-cmd
# shellcheck disable=SC2086 # HEKI_ARGS is a list of parameters
t "heki_vtl0 loads with protect_kernel=1" \
	insmod $HEKI_KO $HEKI_ARGS load_kdata=0
t "  kernel text protected" eq "$(cat /sys/kernel/heki/boot/protect_kernel)" "ok 0"
t "  under tracepoints_mutex" eq "$(cat $SC/tp_locked)" 1
t "  one tracepoint pointed back at its iterator" eq "$(cat $SC/tp_reset)" 1
t "  it was sched_switch" dmesg_has "tracepoint sched_switch pointed at its iterator"
t "  none mis-wired after protection" eq "$(cat $SC/tp_miswired)" 0
echo >$T/trace
switches
t "the first consumer records" records $T/trace

# A second probe (the instance's event file as data): 1 -> 2 probes.
mkdir $I
# (record-cmd is a top-level option: off since boot, instances inherit it)
r0=$(cat $SC/refused)
echo 1 >$I/events/sched/sched_switch/enable
t "  adding it needs no static call update (at the iterator already)" \
	eq "$(cat $SC/refused)" "$r0"
echo >$T/trace
echo >$I/trace
switches
t "the second consumer records" records $I/trace
t "the first still records" records $T/trace

# The first probe removed: 2 -> 1; the kernel asks for a direct call of
# the remaining probe, VTL1 refuses, the sites keep the iterator.
echo 0 >$T/events/sched/sched_switch/enable
t "  removing the first: its direct call refused" \
	test "$(cat $SC/refused)" -gt "$r0"
echo >$T/trace
echo >$I/trace
switches
t "the removed probe is no longer called" fails records $T/trace
t "the remaining one still records" records $I/trace
t "still none mis-wired" eq "$(cat $SC/tp_miswired)" 0

# heki_vtl0's own tracepoint: its static call and static key sites are in
# heki_vtl0's own protected text. Enabling it is refused by VTL1 (the
# event then reports nothing), never written by the kernel's path (which
# the would-fault detector, failing this suite, would see).
JL=/sys/kernel/heki/jump_labels
r0=$(cat $SC/refused)
j0=$(cat $JL/refused)
k0=$(cat $SC/kernel_path)
echo 1 >$T/events/heki/heki_vtl_call/enable
t "heki:heki_vtl_call enabled: its static call refused by VTL1" \
	test "$(cat $SC/refused)" -gt "$r0"
t "  not left to the kernel's path" eq "$(cat $SC/kernel_path)" "$k0"
t "  its static key refused by VTL1" test "$(cat $JL/refused)" -gt "$j0"
echo 0 >$T/events/heki/heki_vtl_call/enable
