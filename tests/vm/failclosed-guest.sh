# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/failclosed.sh (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh). FC_BOOT (1 to 7) selects the part.

S=/sys/kernel/heki
D=/sys/kernel/debug/heki
P=/sys/module/$HEKI_MOD/parameters
T=/sys/kernel/tracing
C=/sys/devices/system/cpu/cpu1/online
CERTS="certs=heki/test-certs.der"
mount -t tracefs tracefs $T 2>/dev/null || true

eq() {
	[ "$1" = "$2" ] && return 0
	echo "# got '$1', expected '$2'"
	return 1
}
sv() { cat "$S/$1"; }
# test_result NAME:VALUE (or "" for off): the test build answers calls.
answer() { echo "$1" >"$P/test_result"; }
protected_free() {
	sed 's/^/# /' $D/protected_free >&2
	sed -n 's/^protected_free //p' $D/protected_free
}
hooked() { grep -q "^$1" $T/enabled_functions; }
mod_loaded() { grep -q "^$1 " /proc/modules; }
# mod_base MOD: the start of MOD's core memory (/proc/modules, as root).
mod_base() { awk -v m="$1" '$1 == m { print $6 }' /proc/modules; }
# range_listed BASE: /proc/vmallocinfo has an area starting at BASE (its
# %pK addresses are real only with kptr_restrict 1, for CAP_SYSLOG).
# A BASE that is no address (empty, or zeros: kptr_restrict hid it) fails
# both checks, so neither passes without looking at a real range.
base_known() {
	case "$1" in
	"" | *[!0-9a-fx]* | 0x0000000000000000 | 0000000000000000)
		echo "# no module base address: '$1'"
		return 1 ;;
	esac
}
range_listed() {
	base_known "$1" || return 1
	echo 1 >/proc/sys/kernel/kptr_restrict
	grep "^$1-" /proc/vmallocinfo | sed 's/^/# /'
	grep -q "^$1-" /proc/vmallocinfo
}
range_gone() { base_known "$1" && ! range_listed "$1"; }
online() { echo "$1" >$C; }
# rmmod_busy MOD: rmmod MOD fails with EBUSY and MOD stays loaded.
rmmod_busy() {
	if rmmod "$1" 2>/tmp/rmmod.err; then
		echo "# rmmod $1 succeeded"
		return 1
	fi
	sed 's/^/# /' /tmp/rmmod.err
	grep -q "resource busy" /tmp/rmmod.err && mod_loaded "$1"
}
W=/sys/kernel/heki_wouldfault
# Would-fault events so far (0 without the detector).
wf_events() { if [ -e $W/events ]; then cat $W/events; else echo 0; fi; }
# heki_conc_00's static call, static key and jump label site.
SCP=/sys/module/heki_conc_00/parameters/scall
JLP=/sys/module/heki_conc_00/parameters/jlabel
JLS=/sys/module/heki_conc_00/parameters/jlabel_site

# sc_step_refused N: static_call_update() of heki_conc_00's key from
# heki_test_one to heki_test_two with the N-th PatchText call refused by
# VTL1 (-13). The kernel rewrites the trampoline (calls 1-3), then the
# key's sites in order: heki_test_sites_read()'s (4-6: 5 is its step 2,
# 6 its step 3), then heki_test_sc_get()'s (7-9). That site is put back
# and keeps calling heki_test_one (the debugfs file SITES runs it: "0 1")
# while the other moved on (scall reads 2); its update is refused and
# counted, no int3 is left (nothing stuck, and the next updates of that
# site go through), nothing VTL1 protects was written.
SITES=/sys/kernel/debug/heki_conc_00
sc_step_refused() {
	r0=$(sv static_calls/refused) k0=$(sv static_calls/stuck) w0=$(wf_events)
	answer "PATCH_TEXT#$1:-13"
	echo 2 >$SCP
	answer ""
	eq "$(cat $SITES)" "0 1" && eq "$(cat $SCP)" 2 &&
		eq "$(sv static_calls/refused)" $((r0 + 1)) &&
		eq "$(sv static_calls/stuck)" "$k0" &&
		dmesg_has "test_result: PATCH_TEXT (call $1) answered with R8 0xfffffffffffffff3" &&
		dmesg_has "static call at heki_test_sites_read+" &&
		dmesg_has "[heki_conc_00] -> heki_test_two [heki_conc_00] not updated (-13): it keeps its old target" &&
		eq "$(wf_events)" "$w0" &&
		echo 1 >$SCP && eq "$(cat $SCP)" 1 && eq "$(cat $SITES)" "0 1" &&
		echo 2 >$SCP && eq "$(cat $SITES)" "0 2" &&
		echo 1 >$SCP && eq "$(cat $SITES)" "0 1" &&
		eq "$(sv static_calls/refused)" $((r0 + 1))
}
# jl_step_refused N: static_branch_enable() of heki_conc_00's key with
# the N-th PatchText call (2: step 2, 3: step 3) refused by VTL1 (-13):
# the site keeps its bytes (no int3), the branch is not taken, the flip
# is refused and counted, nothing VTL1 protects was written. The key is
# then disabled again (refused too: the site already holds the NOP).
jl_step_refused() {
	r0=$(sv jump_labels/refused) p0=$(sv jump_labels/patched)
	k0=$(sv jump_labels/stuck) w0=$(wf_events) site0=$(cat $JLS)
	answer "PATCH_TEXT#$1:-13"
	echo 1 >$JLP
	answer ""
	echo "# site $site0 -> $(cat $JLS)"
	ok=0
	eq "$(cat $JLS)" "$site0" &&
		eq "$(cat $JLP)" 0 &&
		eq "$(sv jump_labels/refused)" $((r0 + 1)) &&
		eq "$(sv jump_labels/patched)" "$p0" &&
		eq "$(sv jump_labels/stuck)" "$k0" &&
		dmesg_has "test_result: PATCH_TEXT (call $1) answered with R8 0xfffffffffffffff3" &&
		dmesg_has "[heki_conc_00] not set to jump (-13): it keeps its old form" &&
		eq "$(wf_events)" "$w0" || ok=1
	echo 0 >$JLP
	return $ok
}

# Both of heki_conc_00's static call sites call heki_test_one.
sc_one() { eq "$(cat $SCP)" 1 && eq "$(cat $SITES)" "0 1"; }

boot1() {
	# --- item 1: one mapping of R8, every caller ---------------------
	t "LockRegs answered R8 = 2^32: load refused (EPROTO)" \
		insmod_refused "$HEKI_KO $HEKI_ARGS $CERTS test_result=LOCK_REGS:0x100000000" \
		"Protocol error"
	t "  the undefined answer is logged" \
		dmesg_has "LOCK_REGS: VTL1 answered R8 = 0x100000000, which the ABI does not define"
	t "  nothing left" sh -c "! grep -q '^$HEKI_MOD ' /proc/modules && test ! -e $S"

	# An undefined ValidateModule answer makes heki_vtl0 fail closed:
	# tests/vm/params.sh, at its end.
	t "insmod (protect_kernel=0)" insmod $HEKI_KO $HEKI_ARGS $CERTS protect_kernel=0

	# --- item 4: frames VTL1 still protects are kept ------------------
	t "the module memory free is hooked (kept ranges)" hooked module_memfree
	answer FREE_MODULE_INIT:-5
	t "FreeModuleInit refused by VTL1: the module loads" insmod /heki_test_mod.ko
	answer ""
	sleep 1		# the kernel frees init memory from a work item
	base=$(mod_base heki_test_mod)
	t "  counted" eq "$(sv modules/init_free_failed)" 1
	t "  its init frames are kept" test "$(sv modules/kept_pages)" -gt 0
	t "  and logged" dmesg_has "module heki_test_mod: "
	t "  its init address range is kept too (modules/kept_ranges 1)" \
		eq "$(sv modules/kept_ranges)" 1
	t "  no frame VTL1 protects is free" eq "$(protected_free)" 0
	t "UnloadModule then succeeds: module unloads" rmmod heki_test_mod
	t "  the kept init frames are released" eq "$(sv modules/kept_pages)" 0
	t "  the kept init range is freed (modules/kept_ranges 0)" \
		eq "$(sv modules/kept_ranges)" 0
	t "  its core range ($base) is freed" range_gone "$base"
	t "  no frame VTL1 protects is free" eq "$(protected_free)" 0

	t "signed module loads again" insmod /heki_test_mod.ko
	base=$(mod_base heki_test_mod)
	t "  its memory is one vmalloc area at $base" range_listed "$base"
	answer UNLOAD_MODULE:-5
	t "UnloadModule refused by VTL1: rmmod still unloads the module" rmmod heki_test_mod
	answer ""
	sleep 1
	t "  counted" eq "$(sv modules/unload_failed)" 1
	t "  its frames are kept" test "$(sv modules/kept_pages)" -gt 0
	t "  its address range is kept: /proc/vmallocinfo still lists it" \
		range_listed "$base"
	t "  counted (modules/kept_ranges 1)" eq "$(sv modules/kept_ranges)" 1
	t "  logged" dmesg_has "module heki_test_mod: an address range not freed"
	t "  no frame VTL1 protects is free" eq "$(protected_free)" 0
	t "heki_vtl0 cannot unload while frames are kept" fails rmmod $HEKI_MOD
	t "  /sys/kernel/heki/unload says why" \
		grep -q "frames VTL1 still protects are kept" $S/unload

	# --- item 2: CPUs going offline and online ------------------------
	p0=$(sv cpus/probes)
	t "locked CPU 1 goes offline" online 0
	t "  and online again" online 1
	t "  after passing the probe" eq "$(sv cpus/probes)" $((p0 + 1))
	online 0
	answer PROBE:0
	t "VTL1 not answering on CPU 1 (probe R8 0): online refused" fails online 1
	answer ""
	t "  CPU 1 stays offline" eq "$(cat $C)" 0
	t "  counted" eq "$(sv cpus/refused)" 1
	t "  logged" dmesg_has "CPU 1 refused at online: VTL1 does not answer on it"
	t "VTL1 answers again: CPU 1 comes online" online 1

	# --- item 5: root cannot switch validation off --------------------
	# A validated module (heki_test_mod under another name) stays loaded
	# through the forced unload: its static key is flipped in the
	# fail-closed state below.
	t "signed module heki_conc_00 loads (its text validated)" \
		insmod /heki_conc_00.ko

	# --- PatchText refused at step 2 or 3 (finding T) -----------------
	t "static call: both sites call heki_test_one" sc_one
	t "static call site's step 2 refused by VTL1: put back, refused, counted, no int3 left" \
		sc_step_refused 5
	t "static call site's step 3 refused by VTL1: put back, refused, counted, no int3 left" \
		sc_step_refused 6
	t "jump label site's step 2 refused by VTL1: site unchanged, refused, counted" \
		jl_step_refused 2
	t "jump label site's step 3 refused by VTL1: site unchanged, refused, counted" \
		jl_step_refused 3
	jl_flip() {
		echo 1 >$JLP && eq "$(cat $JLP)" 1 && echo 0 >$JLP &&
			eq "$(cat $JLP)" 0 && eq "$(cat $JLS)" "$1"
	}
	t "  then a flip both ways goes through (no int3 slot held)" jl_flip "$(cat $JLS)"
	t "  still enforcing" grep -qx enforcing $S/state
	t "kernel.ftrace_enabled=0 refused while the hooks guard" \
		fails sh -c 'echo 0 > /proc/sys/kernel/ftrace_enabled'
	t "  ftrace stays enabled" eq "$(cat /proc/sys/kernel/ftrace_enabled)" 1
	rmmod -f $HEKI_MOD >/tmp/rmmod-f.log 2>&1 &
	sleep 3
	t "rmmod -f: heki_vtl0 is still loaded" heki_loaded
	t "  fail-closed, and says why" \
		sh -c "grep -qx fail-closed $S/state && grep -q '^forced unload (rmmod -f) refused' $S/reason"
	t "  signed module refused (EPERM)" insmod_refused /heki_test_mod.ko "Operation not permitted"
	t "  unsigned module refused" insmod_refused /heki_test_mod-unsigned.ko "can't insert"
	t "  kexec_file_load refused (EPERM)" sh -c '/kexec-load /vmlinuz | grep -q "errno 1 "'
	t "  the load_module hook stays" hooked load_module
	t "  the jump label hook stays" hooked arch_jump_label_transform_queue
	jl_r=$(sv jump_labels/refused) jl_p=$(sv jump_labels/patched)
	site0=$(cat $JLS)
	t "  static_branch_enable() of the validated module's key" \
		sh -c "echo 1 > $JLP"
	t "    refused: nothing written (counted)" \
		eq "$(sv jump_labels/refused)" $((jl_r + 1))
	t "    no PatchText step" eq "$(sv jump_labels/patched)" "$jl_p"
	t "    the site keeps its bytes ($site0)" eq "$(cat $JLS)" "$site0"
	t "    the branch is still not taken" eq "$(cat $JLP)" 0
	t "    refusal logged" dmesg_has "[heki_conc_00] not set to jump (-1): it keeps its old form"
	t "    and audited" dmesg_has "op=heki_jump_label what=refused err=-1"
	# F3: static calls into a module cannot be moved away any more, so
	# it may not go (its freed text would stay called).
	t "  rmmod of the validated module heki_conc_00 refused (EBUSY)" \
		rmmod_busy heki_conc_00
	t "    counted" eq "$(sv modules/unloads_refused)" 1
	t "    logged" dmesg_has "module unload refused (-EBUSY): heki_vtl0 is fail-closed"
	t "    audited" dmesg_has "op=heki_module_unload what=refused err=-16"
	# The i386 entry (int \$0x80, eax 129: __ia32_sys_delete_module) is
	# another way in; it is refused the same way.
	t "  int \$0x80 delete_module of heki_conc_00 refused (EBUSY)" \
		sh -c 'delmod32 heki_conc_00 | grep -q "errno 16:"'
	t "    heki_conc_00 still loaded" mod_loaded heki_conc_00
	t "    counted" eq "$(sv modules/unloads_refused)" 2
	t "    its static call still runs" eq "$(cat $SCP)" 1
}

boot2() {
	t "no debugfs (debugfs=off)" sh -c "! grep -q ' debugfs ' /proc/mounts"
	t "CPU 1 offline (maxcpus=1)" eq "$(cat $C)" 0
	# --- item 2: a CPU onlined after the transport's probe ------------
	t "insmod, CPU 1 brought online before the hotplug callbacks" \
		insmod $HEKI_KO $HEKI_ARGS $CERTS end_of_boot=0 protect_kernel=0 test_online_cpu=1
	t "  CPU 1 online" eq "$(cat $C)" 1
	t "  both probed when the callbacks were registered" eq "$(sv cpus/probed)" 0-1
	t "  both locked" eq "$(sv cpus/locked)" 0-1
	t "  rmmod" rmmod $HEKI_MOD
	online 0
	t "insmod with end_of_boot=0 protect_kernel=0" \
		insmod $HEKI_KO $HEKI_ARGS $CERTS end_of_boot=0 protect_kernel=0
	t "  sysfs state: enforcing, transport loopback" \
		sh -c "grep -qx enforcing $S/state && grep -qx loopback $S/transport"
	t "  sysfs boot steps" \
		sh -c "grep -qx 'ok 0' $S/boot/lock_regs && grep -qx 'off 0' $S/boot/end_of_boot"
	t "  CPU 0 locked" eq "$(sv cpus/locked)" 0
	answer LOCK_REGS:-1
	t "CPU 1 online before end of boot, LockRegs refused: online refused" fails online 1
	answer ""
	t "  CPU 1 stays offline" eq "$(cat $C)" 0
	t "  not marked probed" eq "$(sv cpus/probed)" 0
	t "  nor locked" eq "$(sv cpus/locked)" 0
	t "CPU 1 online before end of boot: locked at online" online 1
	t "  both locked" eq "$(sv cpus/locked)" 0-1
	t "  counted" eq "$(sv cpus/locked_at_online)" 1
	t "  signed module validated" insmod /heki_test_mod.ko
	t "  sysfs counts it" eq "$(sv modules/validated)" 1
	rmmod heki_test_mod
	t "  unsigned module refused" insmod_refused /heki_test_mod-unsigned.ko "No data available"
	t "  sysfs counts the refusal" test "$(sv modules/refused)" -ge 1
	t "  sysfs: last refusal named" grep -q "^heki_test_mod -61" $S/modules/last_refused
	t "  sysfs: ValidateModule calls counted" test "$(sv calls/VALIDATE_MODULE/calls)" -ge 2
	online 0
	t "unload allowed: nothing protected for heki_vtl0" grep -qx allowed $S/unload
	t "  rmmod" rmmod $HEKI_MOD
	t "  /sys/kernel/heki removed" test ! -e $S

	t "insmod, every step on, without debugfs" insmod $HEKI_KO $HEKI_ARGS $CERTS
	t "  every step ok" sh -c "for s in lock_regs protect_kernel load_kdata end_of_boot; do grep -qx 'ok 0' $S/boot/\$s || exit 1; done"
	t "  signed module validated" insmod /heki_test_mod.ko
	rmmod heki_test_mod
	t "  unsigned module refused" insmod_refused /heki_test_mod-unsigned.ko "No data available"
	p0=$(sv cpus/probes)
	t "CPU 1 not locked before end of boot: online refused" fails online 1
	t "  CPU 1 stays offline" eq "$(cat $C)" 0
	t "  counted" eq "$(sv cpus/refused)" 1
	t "  refused before it started: no probe ran on it" eq "$(sv cpus/probes)" "$p0"
	t "  logged" dmesg_has "CPU 1 refused before it starts: not locked before end of boot"

	# --- a site left at its int3: module unloads refused (F3) ---------
	t "signed module heki_conc_00 loads" insmod /heki_conc_00.ko
	answer "PATCH_TEXT#2+:-13"
	t "static_branch_enable(): step 2 and its undo refused by VTL1" \
		sh -c "echo 1 > $JLP"
	answer ""
	t "  the site is left at its int3 (jump_labels/stuck 1)" \
		eq "$(sv jump_labels/stuck)" 1
	t "  the int3 runs the old NOP: the branch is not taken" eq "$(cat $JLP)" 0
	t "  still enforcing" grep -qx enforcing $S/state
	t "rmmod heki_conc_00 refused (EBUSY): no static call could move away" \
		rmmod_busy heki_conc_00
	t "  counted" eq "$(sv modules/unloads_refused)" 1
	t "  logged" dmesg_has "module unload refused (-EBUSY): a static call or jump label site is stuck at its int3"

	# --- a refused kexec image that cannot be unloaded ----------------
	answer KEXEC_VALIDATE:-22
	echo 1 >"$P/test_kexec_unload_busy"
	t "kexec refused by VTL1 (EINVAL), its unload stays busy" \
		sh -c '/kexec-load /vmlinuz | grep -q "errno 22 "'
	answer ""
	echo 0 >"$P/test_kexec_unload_busy"
	t "  counted" eq "$(sv kexec/unload_failed)" 1
	t "  fail-closed, and says why" \
		sh -c "grep -qx fail-closed $S/state && grep -q '^kexec: unloading a refused image failed (-16)' $S/reason"
	t "  the next kexec_file_load refused (EPERM)" \
		sh -c '/kexec-load /vmlinuz | grep -q "errno 1 "'
	t "  signed module refused (EPERM)" insmod_refused /heki_test_mod.ko "Operation not permitted"
}

boot3() {
	t "LoadKData refused after ProtectMemory: insmod succeeds" \
		insmod $HEKI_KO $HEKI_ARGS certs=heki/not-a-cert.der
	t "  protect_kernel ok, load_kdata failed" \
		sh -c "grep -q '^ok ' $S/boot/protect_kernel && grep -q '^failed ' $S/boot/load_kdata"
	t "  state fail-closed" grep -qx fail-closed $S/state
	t "  reason shown" grep -q "^boot step failed (-[0-9]*) after kernel text was protected" $S/reason
	t "  logged" dmesg_has "heki_vtl0: fail-closed: boot step failed"
	t "  signed module refused (EPERM)" insmod_refused /heki_test_mod.ko "Operation not permitted"
	t "  kexec_file_load refused (EPERM)" sh -c '/kexec-load /vmlinuz | grep -q "errno 1 "'
	t "  refusal names fail-closed" dmesg_has "kexec: refused: heki_vtl0 is fail-closed"
	t "  ftrace hooks kept" sh -c "grep -q '^load_module' $T/enabled_functions && grep -q '^kimage_file_post_load_cleanup' $T/enabled_functions"
	t "  rmmod refused" fails rmmod $HEKI_MOD
	t "  /sys/kernel/heki/unload says why" grep -q "^refused: VTL1 protects kernel text" $S/unload
	sed 's/^/# self: /' $D/self
	t "heki_vtl0's own text is protected R|X" \
		sh -c "grep -qE '^text pages ([1-9][0-9]*) protected \\1\$' $D/self"
	t "  its read-only data R" \
		sh -c "grep -qE '^rodata pages ([1-9][0-9]*) protected \\1\$' $D/self"
	t "kernel.ftrace_enabled=0 refused" \
		fails sh -c 'echo 0 > /proc/sys/kernel/ftrace_enabled'
}

boot4() {
	t "ProtectMemory answered R8 = 2^32: insmod succeeds" \
		insmod $HEKI_KO $HEKI_ARGS $CERTS test_result=PROTECT_MEMORY:0x100000000
	t "  protect_kernel failed (EPROTO), load_kdata not run" \
		sh -c "grep -qx 'failed -71' $S/boot/protect_kernel && grep -qx 'not run 0' $S/boot/load_kdata"
	t "  state fail-closed" grep -qx fail-closed $S/state
	t "  reason: VTL1 state unknown, assumed protected" \
		grep -q "^boot step failed (-71) after kernel text was sent to VTL1 for protection (undefined answer: assumed protected)" $S/reason
	t "  signed module refused (EPERM)" insmod_refused /heki_test_mod.ko "Operation not permitted"
	t "  unsigned module refused" insmod_refused /heki_test_mod-unsigned.ko "can't insert"
	t "  kexec_file_load refused (EPERM)" sh -c '/kexec-load /vmlinuz | grep -q "errno 1 "'
	t "  ftrace hooks kept" sh -c "grep -q '^load_module' $T/enabled_functions && grep -q '^kimage_file_post_load_cleanup' $T/enabled_functions"
	t "  rmmod refused" fails rmmod $HEKI_MOD
	t "  /sys/kernel/heki/unload says why" grep -q "^refused: VTL1 protects kernel text" $S/unload
}

boot5() {
	t "insmod, every step on" insmod $HEKI_KO $HEKI_ARGS $CERTS
	t "signed module heki_conc_00 loads" insmod /heki_conc_00.ko
	t "static call: both sites call heki_test_one" sc_one
	# Step 2 of heki_test_sites_read()'s site (call 5, see
	# sc_step_refused) is made: VTL1 writes heki_test_two's rel32 behind
	# the int3, and its answer is replaced by an R8 the ABI does not
	# define. heki_vtl0 cannot tell whether the tail was written, so it
	# puts the old tail back, then the old first byte. Putting back the
	# first byte alone would leave CALL heki_test_two.
	r0=$(sv static_calls/refused) k0=$(sv static_calls/stuck) w0=$(wf_events)
	answer "+PATCH_TEXT#5:0x100000000"
	echo 2 >$SCP || true
	answer ""
	t "step 2 written by VTL1, answered with an undefined R8" \
		dmesg_has "test_result: PATCH_TEXT (call 5) answered with R8 0x100000000, its real answer replaced"
	t "  the site holds its old instruction whole: it calls heki_test_one" \
		eq "$(cat $SITES)" "0 1"
	# heki_test_sc_get()'s site is refused next (-EBUSY): the int3
	# emulation slot stays taken.
	t "  both sites' updates refused and counted" \
		eq "$(sv static_calls/refused)" $((r0 + 2))
	t "  the second one as busy" \
		dmesg_has "[heki_conc_00] -> heki_test_two [heki_conc_00] not updated (-16): it keeps its old target"
	t "  counted stuck: VTL1's state was unknown" \
		eq "$(sv static_calls/stuck)" $((k0 + 1))
	t "  nothing VTL1 protects written by heki_vtl0" eq "$(wf_events)" "$w0"
	t "  still enforcing" grep -qx enforcing $S/state
}

boot6() {
	# --- an unload already past the delete_module hook (F3) ------------
	# heki_test_mod's exit waits (exit_hold=1), so its unload is between
	# delete_module's checks and the GOING notifier when heki_vtl0 turns
	# fail-closed (rmmod -f of heki_vtl0). GOING then runs while unloads
	# are refused: no UnloadModule, frames and address range kept.
	t "insmod" insmod $HEKI_KO $HEKI_ARGS $CERTS
	t "signed module heki_test_mod loads (exit_hold=1)" \
		insmod /heki_test_mod.ko exit_hold=1
	base=$(mod_base heki_test_mod)
	u0=$(sv calls/UNLOAD_MODULE/calls)
	rmmod heki_test_mod >/tmp/rmmod-held.log 2>&1 &
	held=$!
	sleep 2
	t "rmmod heki_test_mod passes the delete_module hook: its exit runs, held" \
		sh -c "dmesg | grep -q 'heki test module: exit held' &&
			grep -q '^heki_test_mod .* Unloading ' /proc/modules"
	rmmod -f $HEKI_MOD >/tmp/rmmod-f.log 2>&1 &
	sleep 3
	t "rmmod -f $HEKI_MOD meanwhile: fail-closed, unloads refused" \
		grep -qx fail-closed $S/state
	echo 0 >/sys/module/heki_test_mod/parameters/exit_hold
	rc=0
	wait $held || rc=$?
	sed 's/^/# /' /tmp/rmmod-held.log
	t "the held unload completes: heki_test_mod is gone" \
		sh -c "test $rc = 0 && ! grep -q '^heki_test_mod ' /proc/modules"
	t "  no UnloadModule sent" eq "$(sv calls/UNLOAD_MODULE/calls)" "$u0"
	t "  its token is gone (modules/tokens 0)" eq "$(sv modules/tokens)" 0
	t "  counted (modules/unloads_refused 1)" eq "$(sv modules/unloads_refused)" 1
	t "  logged" dmesg_has "module heki_test_mod: unloaded while unloads are refused (heki_vtl0 is fail-closed"
	t "  its frames are kept" test "$(sv modules/kept_pages)" -gt 0
	t "  its address range is kept: /proc/vmallocinfo still lists it" \
		range_listed "$base"
	t "  counted (modules/kept_ranges 1)" eq "$(sv modules/kept_ranges)" 1
	t "  logged" dmesg_has "module heki_test_mod: an address range not freed"
	# (heki_vtl0's debugfs files cannot be opened once rmmod -f marked it
	# going: protected_free is checked in boot 1.)
	t "  heki_vtl0 still loaded" heki_loaded
}

boot7() {
	# --- a boot step fails after a module was validated ----------------
	# heki_vtl0's init pauses before SignalEndOfBoot (test_init_pause_ms;
	# protect_kernel=0, so no kernel text is protected); heki_test_mod
	# loads meanwhile and gets a token; then SignalEndOfBoot is refused.
	# Tearing down would send UnloadModule for a module still loaded and
	# drop the hooks that keep what VTL1 still protects: heki_vtl0 stays,
	# fail-closed.
	insmod $HEKI_KO $HEKI_ARGS $CERTS protect_kernel=0 \
		test_init_pause_ms=4000 test_result=SIGNAL_END_OF_BOOT:-1 \
		>/tmp/insmod-heki.log 2>&1 &
	ins=$!
	sleep 2
	t "signed module heki_test_mod loads while heki_vtl0's init pauses" \
		insmod /heki_test_mod.ko
	rc=0
	wait $ins || rc=$?
	sed 's/^/# /' /tmp/insmod-heki.log
	t "SignalEndOfBoot refused after that: insmod of heki_vtl0 still succeeds" \
		eq "$rc" 0
	t "  end_of_boot failed" grep -q "^failed " $S/boot/end_of_boot
	t "  state fail-closed" grep -qx fail-closed $S/state
	t "  reason names the validated module" \
		grep -q "^boot step failed (-[0-9]*) while modules validated through heki_vtl0 are loaded" $S/reason
	t "  heki_test_mod keeps its token (modules/tokens 1)" \
		eq "$(sv modules/tokens)" 1
	t "  no UnloadModule sent" eq "$(sv calls/UNLOAD_MODULE/calls)" 0
	t "  signed module refused now (EPERM)" \
		insmod_refused /heki_conc_00.ko "Operation not permitted"
	t "  rmmod heki_test_mod refused (EBUSY)" rmmod_busy heki_test_mod
	t "  rmmod $HEKI_MOD refused" fails rmmod $HEKI_MOD
}

# Audit records reach dmesg through kauditd, behind printk_ratelimit()
# (10 in 5 s, shared): a burst of refusals would drop the ones checked.
echo 0 >/proc/sys/kernel/printk_ratelimit
case $FC_BOOT in
1) boot1 ;;
2) boot2 ;;
3) boot3 ;;
4) boot4 ;;
5) boot5 ;;
6) boot6 ;;
7) boot7 ;;
*) echo "# unknown FC_BOOT '$FC_BOOT'"; exit 1 ;;
esac
