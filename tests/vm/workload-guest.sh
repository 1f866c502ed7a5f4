# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/workload.sh (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh). Environment: MODS (load order).

W=/sys/kernel/heki_wouldfault
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null || true

events() { cat $W/events; }
# keys FILE: the detector's per-path counters ("N KEY" per line).
keys() { sed -n 's/^\([0-9]*\) events from #[0-9]*: /\1 /p' $W/keys >"$1"; }
SC=/sys/kernel/heki/static_calls
# static calls through PatchText, of them in kernel text, refused
sc_counts() { echo "$(cat $SC/patched) $(cat $SC/kernel_text_patched) $(cat $SC/refused)"; }
sc_delta() {
	[ "$1 $2 $3" = "$4 $5 $6" ] ||
		echo "# workload:   static calls: $(($4 - $1)) through PatchText ($(($5 - $2)) in kernel text), $(($6 - $3)) refused"
}
# step NAME CMD...: run CMD (it must succeed), check, and count the
# would-fault events it caused, in all and per kernel path (a
# measurement, not a verdict), with the guest's uptime before and after
# (where the time goes, should a run be slow).
step() {
	_name=$1
	shift
	_t0=$(cut -d' ' -f1 /proc/uptime)
	_e0=$(events)
	_sc0=$(sc_counts)
	keys /tmp/keys.before
	_ok=1
	"$@" || _ok=0
	echo 1 >$W/check
	keys /tmp/keys.after
	echo "# workload: $_name: $(($(events) - _e0)) would-fault events (guest uptime $_t0 -> $(cut -d' ' -f1 /proc/uptime) s)"
	# shellcheck disable=SC2086,SC2046 # two lists of three counters
	sc_delta $_sc0 $(sc_counts)
	awk 'FILENAME == ARGV[1] { k = $0; sub(/^[0-9]+ /, "", k); was[k] = $1; next }
		{ k = $0; sub(/^[0-9]+ /, "", k); d = $1 - was[k]
		  if (d > 0) print "# workload:   " d " " k }' \
		/tmp/keys.before /tmp/keys.after
	t "$_name (ran)" test "$_ok" = 1
}
write() { echo "$2" >"$1"; }
eq() {
	[ "$1" = "$2" ] && return 0
	echo "# got '$1', expected '$2'"
	return 1
}

t "heki_hvemu loads" insmod /heki_hvemu.ko
t "heki_vtl0 with its default parameters (only the handshake and certs=)" \
	insmod /heki_vtl0.ko vtl1_ready=1 certs=heki/debian-certs.der
t "  transport=auto chose hyperv" grep -qx hyperv /sys/kernel/debug/heki/transport
t "  its own load wrote nothing VTL1 protects" test "$(events)" = 0

step "tracepoint sched:sched_switch enabled" write $T/events/sched/sched_switch/enable 1
step "tracepoint sched:sched_switch disabled" write $T/events/sched/sched_switch/enable 0
step "function tracer on" write $T/current_tracer function
step "function tracer off" write $T/current_tracer nop
step "kprobe on do_sys_openat2 armed" sh -c \
	"echo 'p:wl_probe do_sys_openat2' >$T/kprobe_events && echo 1 >$T/events/kprobes/wl_probe/enable"
step "kprobe disarmed" sh -c \
	"echo 0 >$T/events/kprobes/wl_probe/enable && echo '-:wl_probe' >>$T/kprobe_events"
step "sysctl kernel.sched_schedstats=1 (static key)" write /proc/sys/kernel/sched_schedstats 1
step "sysctl kernel.sched_schedstats=0" write /proc/sys/kernel/sched_schedstats 0
C=/sys/devices/system/cpu/cpu1/online
P=/sys/kernel/heki/cpus/probes
p0=$(cat $P)
step "CPU 1 offline" write $C 0
step "CPU 1 online" write $C 1
# The hyperv transport's hotplug step (kmod/cpus.c): VpStatus of the CPU,
# then the probe, before the CPU runs other work; one where VTL1 does not
# answer stays offline. (Bringing a CPU down and up writes protected text
# itself, see the events above: on Hyper-V these writes fault.)
t "  CPU 1 came back after passing the probe" eq "$(cat $P)" $((p0 + 1))
write $C 0
echo 1 >/sys/module/heki_hvemu/parameters/vtl1_silent_cpu
t "VTL1 not answering on CPU 1: its online step refused" fails write $C 1
echo -1 >/sys/module/heki_hvemu/parameters/vtl1_silent_cpu
t "  CPU 1 stays offline" test "$(cat $C)" = 0
t "  logged" dmesg_has "CPU 1 refused at online: VTL1 does not answer on it"
t "VTL1 answers again: CPU 1 comes online" write $C 1
for m in $MODS; do
	step "load $m" insmod "/m/$m.ko"
done
rev=
for m in $MODS; do rev="$m $rev"; done
M=/sys/kernel/heki/modules
# Address ranges heki_vtl0 keeps (modules/kept_ranges: free_module()'s
# free of each area skipped, Documentation/kmod.rst, Kept address ranges).
kept_ranges() { cat $M/kept_ranges 2>/dev/null || echo none; }
for m in $rev; do
	f0=$(cat $M/unload_failed) k0=$(cat $M/kept_pages) r0=$(kept_ranges)
	step "unload $m" rmmod "$m"
	t "  UnloadModule($m) accepted" eq "$(cat $M/unload_failed)" "$f0"
	t "  none of its frames kept" eq "$(cat $M/kept_pages)" "$k0"
	t "  none of its address ranges kept" eq "$(kept_ranges)" "$r0"
	# Documentation/kmod.rst, Static calls left at a going module: kvm's
	# kvm_x86_ops / kvm_pmu_ops keys still name kvm_amd's functions
	# (Linux moves them only when a vendor module loads again); heki_vtl0
	# points them at __static_call_return0 before UnloadModule.
	case $m in
	kvm-amd | kvm_amd)
		mv=$(cat /sys/kernel/heki/static_calls/moved_from_going)
		echo "# workload:   kvm_amd: $mv static call keys moved to __static_call_return0"
		t "  kvm's keys left at kvm_amd moved to return0" test "$mv" -gt 0 ;;
	esac
done
for k in static_calls jump_labels; do
	echo "# $k (validated module and kernel text): $(cat /sys/kernel/heki/$k/patched) through PatchText, $(cat /sys/kernel/heki/$k/refused) refused; $(cat /sys/kernel/heki/$k/kernel_path) left to the kernel"
done
cat $W/summary
cat $W/keys
