# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/selftest.sh (run by scripts/vm-run.sh).
#
# 1. heki_selftest.ko prints its KTAP lines while insmod runs; insmod fails
#    if any case failed. busybox insmod retries a failed finit_module with
#    init_module, so a failing run prints the KTAP block twice: only the
#    first block (up to its "# heki_selftest: pass:" line) is counted, and
#    the shell's own checks are numbered after it.
# 2. The real heki_vtl0.ko: transport selection refuses without Hyper-V;
#    the test build in loopback mode: its debugfs files and its tracepoint
#    (with protect_kernel=0: enabling the trace event writes kernel text
#    and heki_vtl0's own, which on Hyper-V faults after ProtectMemory,
#    Documentation/kmod.rst), then ProtectMemory with tracing left off.

ktap_first_run() {
	dmesg | sed -n 's/^\[[ 0-9.]*\] heki_selftest: //p' |
		sed -n '1,/^# heki_selftest: pass:/p'
}

rc=0
insmod /heki_selftest.ko || rc=$?
ktap_first_run
# shellcheck disable=SC2034 # the counter of t() in vm-guest-lib.sh
VM_TEST_N=$(ktap_first_run | grep -c '^\(not \)\{0,1\}ok [0-9]') || true
t "insmod heki_selftest.ko succeeded (rc=$rc)" [ "$rc" -eq 0 ]
if [ "$rc" -eq 0 ]; then
	t "rmmod heki_selftest" rmmod heki_selftest
	t "no heki_selftest debugfs left" fails test -e /sys/kernel/debug/heki_selftest
fi

# From here on, judge only what heki_vtl0.ko itself logs.
dmesg -c >/dev/null

D=/sys/kernel/debug/heki
T=/sys/kernel/tracing

# debugfs value: field VALUE of the line starting with NAME in FILE
field() {
	sed -n "s/^$2 \{1,\}\([^ ]*\).*/\1/p" "$1" | head -n 1
}
# stats column: calls (2), errors (3), refused (4) of function NAME
stat() {
	sed -n "s/^$1 \{1,\}//p" $D/stats | tr -s ' ' | cut -d' ' -f"$(($2 - 1))"
}

# load_kdata=0: otherwise the missing certs= stops the load before the
# transport is chosen.
t "transport=auto refused without Hyper-V" fails insmod /heki_vtl0.ko load_kdata=0
t "auto never falls back to loopback" fails grep -q '^heki_vtl0 ' /proc/modules
t "auto refusal explains why" \
	dmesg_has "heki_vtl0: transport=auto: no usable Hyper-V VSM transport (-19)"
t "transport=hyperv refused even with vtl1_ready=1" \
	fails insmod /heki_vtl0.ko transport=hyperv vtl1_ready=1 load_kdata=0
t "hyperv refusal explains why" dmesg_has "heki_vtl0: hyperv: not running on Hyper-V"
t "unknown transport refused" fails insmod /heki_vtl0.ko transport=bogus load_kdata=0
t "unknown transport named" dmesg_has "heki_vtl0: unknown transport 'bogus'"
t "nothing loaded after the refusals" fails grep -q '^heki_vtl0 ' /proc/modules

t "production heki_vtl0.ko has no loopback transport (EINVAL)" \
	fails insmod /heki_vtl0.ko transport=loopback load_kdata=0
t "production refusal names the test build" \
	dmesg_has "heki_vtl0: transport=loopback exists only in the test build (heki_vtl0_test.ko)"
t "insmod $HEKI_KO transport=loopback protect_kernel=0" \
	insmod $HEKI_KO transport=loopback load_kdata=0 protect_kernel=0
t "debugfs transport = loopback" [ "$(cat $D/transport)" = loopback ]
echo "# --- $D/stats"; sed 's/^/# /' $D/stats
echo "# --- $D/allocations"; sed 's/^/# /' $D/allocations
echo "# --- $D/loopback"; sed 's/^/# /' $D/loopback
echo "# --- $D/protections (first lines)"; head -n 5 $D/protections | sed 's/^/# /'
ncpu=$(grep -c '^processor' /proc/cpuinfo)
t "stats: LOCK_REGS called once per CPU ($ncpu)" [ "$(stat LOCK_REGS 2)" = "$ncpu" ]
t "stats: no PROTECT_MEMORY call" [ "$(stat PROTECT_MEMORY 2)" = 0 ]
t "stats: SIGNAL_END_OF_BOOT called" [ "$(stat SIGNAL_END_OF_BOOT 2)" = 1 ]
t "loopback: LockRegs values recorded for cpu0" grep -q '^cpu0 intercept_control' $D/loopback
t "allocations: no chain page left" [ "$(field $D/allocations chain_pages)" = 0 ]

mount -t tracefs tracefs $T 2>/dev/null || true
t "tracepoint heki:heki_vtl_call exists" test -d $T/events/heki/heki_vtl_call
echo 1 > $T/events/heki/heki_vtl_call/enable
# A module load makes one VALIDATE_MODULE call (refused: no certificates).
t "a module load is refused without certificates" fails insmod /heki_selftest.ko
echo 0 > $T/events/heki/heki_vtl_call/enable
sed 's/^/# trace: /' $T/trace | grep heki_vtl_call || true
t "tracepoint shows VALIDATE_MODULE with its result" \
	grep -q 'heki_vtl_call: func=0x1ffe6 VALIDATE_MODULE a1=0x[0-9a-f]* a2=0x[0-9a-f]* a3=0x[0-9a-f]* ret=-[0-9]* ns=[0-9]*' $T/trace
t "stats: VALIDATE_MODULE error counted" [ "$(stat VALIDATE_MODULE 3)" -ge 1 ]
t "allocations: no chain page left after the refusal" \
	[ "$(field $D/allocations chain_pages)" = 0 ]
t "rmmod $HEKI_MOD: VTL1 protects nothing on its behalf" rmmod $HEKI_MOD

# Kernel text protected from here on: no trace event is enabled.
t "insmod $HEKI_KO transport=loopback (protect_kernel=1)" \
	insmod $HEKI_KO transport=loopback load_kdata=0
t "stats: one PROTECT_MEMORY call, no error" \
	[ "$(stat PROTECT_MEMORY 2)" = 1 -a "$(stat PROTECT_MEMORY 3)" = 0 ]
t "protections: kernel text and rodata recorded" \
	grep -q '^0x.* r-xu$' $D/protections
t "rmmod $HEKI_MOD refused: kernel text is protected" fails rmmod $HEKI_MOD
t "sysfs says why it cannot unload" \
	grep -q "^refused: VTL1 protects kernel text" /sys/kernel/heki/unload
