# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/e2e.sh (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh). Environment: NCONC, DEBIAN_MODS, DEBIAN_CERT,
# the module under test (HEKI_KO, HEKI_MOD, HEKI_ARGS, HEKI_PRELOAD), where
# VTL1's state is (HEKI_PROT, HEKI_VTL1) and E2E_CERTS.

D=/sys/kernel/debug/heki
KMOD=/lib/modules/$(uname -r)/kernel
# The configuration heki_vtl0 may unload from (nothing protected for it).
UNLOADABLE="protect_kernel=0"
# VTL1's protections and state: the loopback's debugfs files, or the
# emulated hypervisor's (tests/hvemu) for the hyperv transport.
PROT=${HEKI_PROT:-$D/protections}
VTL1=${HEKI_VTL1:-$D/loopback}
# With the hyperv transport VTL1's boot state (locked registers, end of
# boot) is permanent, so heki_vtl0 never unloads: one load per boot (the
# last section), with every certificate the suite needs (E2E_CERTS).
HYPERV=0
case $HEKI_ARGS in *transport=hyperv*) HYPERV=1 ;; esac
CERTS=${E2E_CERTS:-heki/test-certs.der}

# --- helpers -----------------------------------------------------------

loaded() { grep -q "^$1 " /proc/modules; }
# VTL1's protections: pages VTL1 restricts for VTL0 (not writable, or
# kernel-executable). Released module pages go back to read/write without
# execute, which is not a restriction.
prot_pages() {
	awk '/^0x/ && ($4 !~ /w/ || $4 ~ /x/) { n += $2 } END { print n + 0 }' "$PROT"
}
modules_val() { sed -n "s/^$1: //p" $D/modules; }
lb_val() { sed -n "s/^$1 //p" "$VTL1"; }
alloc_val() { sed -n "s/^$1 //p" $D/allocations; }
calls_of() { awk -v f="$1" '$1 == f { print $2 }' $D/stats; }
eq() {
	[ "$1" = "$2" ] && return 0
	echo "# got '$1', expected '$2'"
	return 1
}
# token_line MODULE: the debugfs line of MODULE's token.
token_line() { grep " module $1 " $D/modules; }
boot_ok() { grep -qE "^$1 +ok " $D/boot; }
# nothing_left NAME: no token, no VTL1 module state, protections unchanged.
nothing_left() {
	! loaded "$1" && ! token_line "$1" >/dev/null &&
		eq "$(modules_val tokens)" 0 && eq "$(lb_val modules)" 0 &&
		eq "$(prot_pages)" "$P0"
}
# vtl1_reason M: VTL1's reason for refusing the last load of module file M:
# its last ValidateModule refusal line, if heki_vtl0's refusal of M follows
# it (a refusal without its own VTL1 line does not show an older one).
vtl1_reason() {
	dmesg | grep -E 'heki_vtl1: VALIDATE_MODULE: |heki_vtl0: module .* refused: ' |
		tail -n 2 | {
		read -r why
		read -r refused
		case $why/$refused in
		*"VALIDATE_MODULE: "*/*"module $(basename "$1" .ko | tr - _) refused: "*)
			echo "${why#*VALIDATE_MODULE: }" ;;
		esac
	}
}
# vtl1_said M REASON: VTL1 refused the last load of M for REASON.
vtl1_said() {
	case "$(vtl1_reason "$1")" in
	"$2 "*) return 0 ;;
	*) echo "# VTL1's reason for $1: '$(vtl1_reason "$1")'"; return 1 ;;
	esac
}
# verdict CASE M: print what VTL1 answered the load of Debian module M just
# made (the module is loaded: accepted; else refused, with VTL1's reason)
# for e2e.sh, which asks heki-verify the same about the same file (CASE
# names the certs=, revoked= and blocklist= files, as e2e.sh does).
verdict() {
	if loaded "$(basename "$2" .ko | tr - _)"; then
		echo "# heki-verdict $1 $2 accepted"
	else
		echo "# heki-verdict $1 $2 refused $(vtl1_reason "$2")"
	fi
}

# --- 0. control: the kernel alone accepts what heki must refuse --------

t "control: kernel alone loads the tampered module (test key unknown to it)" \
	insmod /heki_test_mod-tampered.ko
rmmod heki_test_mod
t "control: kernel alone loads the unsigned module" insmod /heki_test_mod-unsigned.ko
rmmod heki_test_mod

# --- 1. real Debian modules with Debian's own certificate -------------

# rmmod_settled NAME: rmmod, retried for up to 3 s while the kernel says the
# module is busy (EAGAIN). On 7.2 a crypto module such as wp512 can still be
# referenced by the self-test of the algorithms it just registered (run
# after its init returns); any other error fails at once.
rmmod_settled() {
	for _ in 1 2 3; do
		rmmod "$1" 2>/tmp/rmmod.err && return 0
		grep -q "temporarily unavailable" /tmp/rmmod.err || break
		sleep 1
	done
	cat /tmp/rmmod.err >&2
	return 1
}

# debian_mods: each of DEBIAN_MODS loads with a token and unloads clean.
debian_mods() {
	P0=$(prot_pages)
	for m in $DEBIAN_MODS; do
		name=$(basename "$m" .ko | tr - _)
		t "Debian $m loads" insmod "$KMOD/$m"
		verdict debian "$m"
		t "  token for $name" token_line "$name"
		t "  unloads" rmmod_settled "$name"
		t "  nothing left" nothing_left "$name"
	done
}

if [ "$HYPERV" = 1 ]; then
	skip "real Debian modules with Debian's certificate alone" \
		"hyperv: one load with both certificates (section 4)"
elif [ "$DEBIAN_CERT" = 1 ] && [ -n "$DEBIAN_MODS" ]; then
	t "insmod heki_vtl0 $UNLOADABLE certs=heki/debian-certs.der" \
		insmod $HEKI_KO $HEKI_ARGS $UNLOADABLE certs=heki/debian-certs.der
	debian_mods
	t "heki test module refused under Debian's certificate (ENOKEY)" \
		insmod_refused /heki_test_mod.ko "Required key not available"
	t "rmmod $HEKI_MOD" rmmod $HEKI_MOD
else
	skip "real Debian modules with Debian's certificate" \
		"no scripts/debian-kernel-cert.sh output or no Debian modules"
fi

# --- 1b. Debian's certificate revoked or blocked, a module hash blocked -
#
# certs= the test and Debian's certificates. revoked= Debian's own
# certificate: every Debian module is refused (EKEYREJECTED, VTL1's
# SIG_KEY_REVOKED) though certs= trusts it, the test module still loads.
# blocklist= the tbs: hash of Debian's certificate: the same, with
# SIG_CERT_BLOCKED. blocklist= bin: the sha256sum of the first module's
# file and bin: the SHA-256 of the second one's signed content (the file
# without its signature): exactly those two are refused (SIG_HASH_BLOCKED),
# the others load. Every verdict is printed for e2e.sh's heki-verify check.

# debian_refused CASE REASON: every Debian module refused, VTL1 names
# REASON, no token held, the test module still loads and unloads.
debian_refused() {
	for m in $DEBIAN_MODS; do
		t "  Debian $m refused (EKEYREJECTED)" \
			insmod_refused "$KMOD/$m" "Key was rejected by service"
		verdict "$1" "$m"
		t "    VTL1 says why: $2" vtl1_said "$m" "$2"
	done
	t "  no token held" eq "$(modules_val tokens)" 0
	t "  the test module still loads" insmod /heki_test_mod.ko
	t "    unloads" rmmod heki_test_mod
}

if [ "$HYPERV" = 1 ] || [ "$DEBIAN_CERT" != 1 ] || [ -z "$DEBIAN_MODS" ]; then
	skip "revoked or blocked Debian certificate, blocked Debian module hash" \
		"loopback with Debian's certificate and modules only"
else
	t "insmod heki_vtl0 certs= test+Debian revoked= Debian's certificate" \
		insmod $HEKI_KO $HEKI_ARGS $UNLOADABLE \
		certs=heki/debian-test-certs.der revoked=heki/debian-certs.der
	debian_refused revoked SIG_KEY_REVOKED
	t "  rmmod $HEKI_MOD" rmmod $HEKI_MOD
	t "insmod heki_vtl0 certs= test+Debian blocklist= tbs: of Debian's certificate" \
		insmod $HEKI_KO $HEKI_ARGS $UNLOADABLE \
		certs=heki/debian-test-certs.der blocklist=heki/debian-tbs.txt
	debian_refused tbs SIG_CERT_BLOCKED
	t "  rmmod $HEKI_MOD" rmmod $HEKI_MOD
	# e2e.sh's blocklist: the first module's file, the second's content.
	first=${DEBIAN_MODS%% *}
	rest=${DEBIAN_MODS#"$first"}
	rest=${rest# }
	blocked="$first ${rest%% *}"
	t "insmod heki_vtl0 certs= blocklist= bin: hashes of $blocked" \
		insmod $HEKI_KO $HEKI_ARGS $UNLOADABLE certs=heki/debian-certs.der \
		blocklist=heki/debian-block.txt
	how="sha256sum of its file"
	for m in $DEBIAN_MODS; do
		name=$(basename "$m" .ko | tr - _)
		case " $blocked " in
		*" $m "*)
			t "  Debian $m refused: the $how is blocked (EKEYREJECTED)" \
				insmod_refused "$KMOD/$m" "Key was rejected by service"
			verdict block "$m"
			t "    VTL1 says why: SIG_HASH_BLOCKED" vtl1_said "$m" SIG_HASH_BLOCKED
			how="SHA-256 of its signed content" ;;
		*)
			t "  Debian $m still loads" insmod "$KMOD/$m"
			verdict block "$m"
			t "    unloads" rmmod_settled "$name" ;;
		esac
	done
	t "  rmmod $HEKI_MOD" rmmod $HEKI_MOD
fi

# --- 2. heki_vtl0 load/unload cycles -----------------------------------
#
# Only while VTL1 protects nothing on heki_vtl0's behalf can it unload:
# protect_kernel=0 (no kernel or own text protected) and no token held.

cycle() {
	insmod $HEKI_KO $HEKI_ARGS $UNLOADABLE certs=heki/test-certs.der &&
		insmod /heki_test_mod.ko && token_line heki_test_mod >/dev/null &&
		rmmod heki_test_mod && eq "$(alloc_val chain_pages)" 0 &&
		eq "$(modules_val tokens)" 0 && rmmod $HEKI_MOD && ! loaded $HEKI_MOD
}
if [ "$HYPERV" = 1 ]; then
	skip "heki_vtl0 load/validate/unload cycles" "loopback only: hyperv keeps heki_vtl0"
else
	for c in 1 2 3; do
		t "heki_vtl0 load/validate/unload cycle $c ($UNLOADABLE)" cycle
	done
	t "module loads unvalidated once heki_vtl0 is gone (unload allowed in loopback)" \
		insmod /heki_test_mod-unsigned.ko
	rmmod heki_test_mod
fi

# --- 3. unloading heki_vtl0 while modules are being loaded -------------
#
# Loads in flight hold the capture hook; loads that got a token pin the
# module. rmmod is retried (after unloading whatever loaded) until it
# succeeds. Any oops, WARN or leak report fails the run.
conc_loaded() { awk '/^heki_conc_/ { print $1 }' /proc/modules; }
race_round() {
	insmod $HEKI_KO $HEKI_ARGS $UNLOADABLE certs=heki/test-certs.der || return 1
	i=0
	while [ $i -lt 8 ]; do
		( insmod "/heki_conc_0$i.ko" 2>/dev/null || true ) &
		i=$((i + 1))
	done
	n=0
	until rmmod $HEKI_MOD 2>/dev/null; do
		for m in $(conc_loaded); do rmmod "$m" 2>/dev/null || true; done
		n=$((n + 1))
		[ $n -lt 500 ] || { echo "# heki_vtl0 never became unloadable"; return 1; }
	done
	wait
	for m in $(conc_loaded); do rmmod "$m" || return 1; done
	! loaded $HEKI_MOD
}
if [ "$HYPERV" = 1 ]; then
	skip "rmmod heki_vtl0 racing module loads" "loopback only: hyperv keeps heki_vtl0"
else
	for r in 1 2 3; do
		t "rmmod $HEKI_MOD racing 8 module loads, round $r" race_round
	done
	t "no leak reported by any unload" sh -c '! dmesg | grep -q "with leaks"'
	t "every allocation freed at unload" \
		dmesg_has "heki_vtl0: unloaded: 0 chain pages, 0 VTL1 allocations, 0 keyrings, 0 module images live"
fi

# --- 4. heki_vtl0 with every step on and the test certificate ---------
#
# The default configuration: kernel and heki_vtl0's own text protected, so
# it stays loaded until the VM ends.

heki_preload
t "insmod $HEKI_MOD $HEKI_ARGS certs=$CERTS" \
	insmod $HEKI_KO $HEKI_ARGS certs=$CERTS
t "boot: LockRegs on every CPU" boot_ok lock_regs
t "boot: ProtectMemory kernel text and rodata" boot_ok protect_kernel
t "boot: LoadKData certificates and kernel data" boot_ok load_kdata
t "boot: SignalEndOfBoot" boot_ok end_of_boot
t "VTL1 reached end of boot" eq "$(lb_val end_of_boot)" 1
t "kernel text and rodata are protected" test "$(prot_pages)" -gt 0
P0=$(prot_pages)
echo "# baseline: $P0 pages restricted for VTL0 (kernel text and rodata)"
cat $D/boot

# busybox insmod retries with init_module when finit_module fails, so a
# refused insmod is two loads: count loads as the kernel sees them
# (load_module calls, pristine_captured) and expect one call per load.
loads() { modules_val pristine_captured; }
V0=$(calls_of VALIDATE_MODULE)
L0=$(loads)
t "signed module loads" insmod /heki_test_mod.ko
t "its init ran" dmesg_has "heki test module: init text ran"
t "one load, one ValidateModule call" eq "$(calls_of VALIDATE_MODULE)" $((V0 + $(loads) - L0))
t "token shown in debugfs" token_line heki_test_mod
t "init freed on LIVE" sh -c "grep ' module heki_test_mod ' $D/modules | grep -q 'init freed'"
t "VTL1 holds one module" eq "$(lb_val modules)" 1
t "module pages protected" test "$(prot_pages)" -gt "$P0"
# Its static call (kmod/scall.c): static_call_update() of validated text
# goes through PatchText; a target that is no function entry is refused by
# VTL1 and the site keeps calling the function it called.
SC=/sys/kernel/heki/static_calls
SCP=/sys/module/heki_test_mod/parameters/scall
sc_p=$(cat $SC/patched) sc_r=$(cat $SC/refused)
t "static call: the site calls heki_test_one" eq "$(cat $SCP)" 1
t "static_call_update() to heki_test_two" sh -c "echo 2 > $SCP"
t "  trampoline and site written through PatchText" test "$(cat $SC/patched)" -ge $((sc_p + 2))
t "  the site calls heki_test_two" eq "$(cat $SCP)" 2
t "  nothing refused" eq "$(cat $SC/refused)" "$sc_r"
t "static_call_update() to heki_test_two+1 (no function entry)" sh -c "echo 3 > $SCP"
t "  refused by VTL1 (trampoline and site)" test "$(cat $SC/refused)" -ge $((sc_r + 2))
t "  refusal logged" dmesg_has "not updated (-22): it keeps its old target"
t "  the site still calls heki_test_two" eq "$(cat $SCP)" 2
t "static_call_update() back to heki_test_one" sh -c "echo 1 > $SCP && [ \$(cat $SCP) = 1 ]"
# Its static key (kmod/jlabel.c): a flip after validation reaches the
# jump label site in validated text through PatchText, never by a write
# of VTL0's own: the detector counts no would-fault event and finds every
# protected frame's hash as VTL1 wrote it.
JL=/sys/kernel/heki/jump_labels
JLP=/sys/module/heki_test_mod/parameters/jlabel
JLS=/sys/module/heki_test_mod/parameters/jlabel_site
WF=/sys/kernel/heki_wouldfault
jl_p=$(cat $JL/patched) jl_r=$(cat $JL/refused) wf0=$(cat $WF/events)
site0=$(cat $JLS)
echo "# jump label site of heki_test_key: $site0"
t "jump label: key off, the branch is not taken" eq "$(cat $JLP)" 0
t "  the site holds a NOP (2 or 5 bytes)" sh -c "echo $site0 | grep -qE '^(6690|0f1f440000)'"
t "static_branch_enable()" sh -c "echo 1 > $JLP"
t "  the site written through PatchText (one site)" eq "$(cat $JL/patched)" $((jl_p + 1))
t "  the branch is taken" eq "$(cat $JLP)" 1
t "  the site holds a jump (JMP rel8 or rel32)" sh -c "cat $JLS | grep -qE '^(eb|e9)'"
t "static_branch_disable()" sh -c "echo 0 > $JLP"
t "  written through PatchText" eq "$(cat $JL/patched)" $((jl_p + 2))
t "  the branch is not taken" eq "$(cat $JLP)" 0
t "  the site holds its first bytes again" eq "$(cat $JLS)" "$site0"
t "  nothing refused" eq "$(cat $JL/refused)" "$jl_r"
t "  no would-fault event" eq "$(cat $WF/events)" "$wf0"
t "  every protected frame hashes as VTL1 wrote it" \
	sh -c "echo 1 > $WF/check && grep -q ': 0 frames changed, 0 registers changed;' $WF/check && [ \$(cat $WF/events) = $wf0 ]"
# A CPU that meets the int3 while a site is rewritten (kmod/textpoke.c):
# heki_poke() pauses after its int3 step (test_poke_pause_ms), the flip
# runs in the background, and reads of the sites meanwhile go through the
# int3 notifier, which runs the old instruction: the branch not taken,
# the static call to its old target (1).
PAUSE=/sys/module/$HEKI_MOD/parameters/test_poke_pause_ms
SITES=/sys/kernel/debug/heki_test_mod
# during_pause PARAM VALUE DELAY: flip PARAM to VALUE with a 3 s pause
# after each int3 step; DELAY s later (within the pause of the site the
# reads run: a static call's trampoline is rewritten first) read SITES
# three times (echoed); wait.
during_pause() {
	echo 3000 > $PAUSE
	echo "$2" > "$1" &
	sleep "$3"
	for _ in 1 2 3; do cat $SITES; done > /tmp/during
	wait
	echo 0 > $PAUSE
	sed 's/^/# read during the pause: /' /tmp/during
}
if [ ! -e "$PAUSE" ]; then
	skip "int3 met in flight: emulated" "test_poke_pause_ms is in the test build only"
else
	jl_e=$(cat $JL/int3_emulated) sc_e=$(cat $SC/int3_emulated)
	t "sites: branch not taken, static call to heki_test_one" eq "$(cat $SITES)" "0 1"
	during_pause $JLP 1 1
	t "static_branch_enable() paused at its int3: reads saw the old NOP" \
		eq "$(sort -u /tmp/during)" "0 1"
	t "  the int3 was met and emulated (3 reads or more)" \
		test "$(cat $JL/int3_emulated)" -ge $((jl_e + 3))
	t "  then the branch is taken" eq "$(cat $SITES)" "1 1"
	during_pause $SCP 2 4
	t "static_call_update() paused at its int3: reads saw the call of heki_test_one" \
		eq "$(sort -u /tmp/during)" "1 1"
	t "  the int3 was met and emulated (3 reads or more)" \
		test "$(cat $SC/int3_emulated)" -ge $((sc_e + 3))
	t "  then the site calls heki_test_two" eq "$(cat $SITES)" "1 2"
	echo 0 > $JLP
	echo 1 > $SCP
	t "  both back (branch not taken, heki_test_one)" eq "$(cat $SITES)" "0 1"
	t "  nothing refused or stuck" sh -c "[ \$(cat $JL/refused) = $jl_r ] && [ \$(cat $JL/stuck) = 0 ] && [ \$(cat $SC/stuck) = 0 ]"
	t "  no would-fault event" eq "$(cat $WF/events)" "$wf0"
fi
t "heki_vtl0 cannot be unloaded while a token lives" fails rmmod $HEKI_MOD
t "rmmod the signed module" rmmod heki_test_mod
t "token released on unload" dmesg_has "module heki_test_mod: token"
t "no token, no VTL1 state, protections back to the kernel's" nothing_left heki_test_mod
cat $D/modules
size=$(wc -c < /heki_test_mod.ko)
image_sent() { dmesg | grep "module $1 validated: token" | grep -q "image $2 bytes)"; }
t "the image VTL1 got is the whole signed file ($size bytes)" \
	image_sent heki_test_mod "$size"

t "init that fails: insmod fails (ENODEV)" \
	insmod_refused "/heki_test_mod.ko fail_init=1" "No such device"
t "  it was validated first" dmesg_has "heki test module: init fails on request"
t "  GOING released its token" nothing_left heki_test_mod

V0=$(calls_of VALIDATE_MODULE)
L0=$(loads)
R0=$(modules_val refused)
t "one byte flipped: refused (EKEYREJECTED)" \
	insmod_refused /heki_test_mod-tampered.ko "Key was rejected by service"
t "  refusal logged" dmesg_has "module heki_test_mod refused: ValidateModule failed (-129)"
t "  leaves nothing protected" nothing_left heki_test_mod
t "unsigned: refused (ENODATA)" insmod_refused /heki_test_mod-unsigned.ko "No data available"
t "  leaves nothing protected" nothing_left heki_test_mod
t "signed by an unknown key: refused (ENOKEY)" \
	insmod_refused /heki_test_mod-otherkey.ko "Required key not available"
t "  leaves nothing protected" nothing_left heki_test_mod
t "one ValidateModule call per refused load" eq "$(calls_of VALIDATE_MODULE)" $((V0 + $(loads) - L0))
t "every one of those loads refused" eq "$(modules_val refused)" $((R0 + $(loads) - L0))

# The other loader entry point: init_module(2) with a user buffer.
V0=$(calls_of VALIDATE_MODULE)
t "init_module(2): signed module loads" initmod /heki_test_mod.ko
t "  token shown in debugfs" token_line heki_test_mod
t "  one ValidateModule call" eq "$(calls_of VALIDATE_MODULE)" $((V0 + 1))
t "  rmmod" rmmod heki_test_mod
t "  nothing left" nothing_left heki_test_mod
initmod_refused() {
	if out=$(initmod "$1"); then
		echo "# $out"
		return 1
	fi
	echo "# $out"
	case $out in *"$2"*) return 0 ;; esac
	return 1
}
V0=$(calls_of VALIDATE_MODULE)
t "init_module(2): one byte flipped refused (EKEYREJECTED)" \
	initmod_refused /heki_test_mod-tampered.ko "errno 129"
t "  with one ValidateModule call" eq "$(calls_of VALIDATE_MODULE)" $((V0 + 1))
t "  nothing left" nothing_left heki_test_mod

first=${DEBIAN_MODS%% *}
if [ "$HYPERV" = 1 ]; then
	skip "a Debian module refused without Debian's certificate" \
		"hyperv: the one load holds Debian's certificate too"
	if [ "$DEBIAN_CERT" = 1 ] && [ -n "$DEBIAN_MODS" ]; then
		debian_mods
	else
		skip "real Debian modules with Debian's certificate" \
			"no scripts/debian-kernel-cert.sh output or no Debian modules"
	fi
elif [ -n "$first" ]; then
	t "Debian module $first refused without Debian's certificate (ENOKEY)" \
		insmod_refused "$KMOD/$first" "Required key not available"
	t "  leaves nothing protected" nothing_left x
fi

# 16 concurrent loads
pids=
i=0
while [ $i -lt "$NCONC" ]; do
	n=$(printf 'heki_conc_%02d' $i)
	( insmod "/$n.ko" || echo "# insmod $n failed" >"/tmp/conc-fail.$i" ) &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do wait "$p" || true; done
t "$NCONC concurrent insmods all succeed" sh -c '! ls /tmp/conc-fail.* 2>/dev/null'
t "$NCONC tokens held" eq "$(modules_val tokens)" "$NCONC"
t "VTL1 holds $NCONC modules" eq "$(lb_val modules)" "$NCONC"
conc_rm() {
	i=0
	while [ $i -lt "$NCONC" ]; do
		rmmod "$(printf 'heki_conc_%02d' $i)" || return 1
		i=$((i + 1))
	done
}
t "$NCONC concurrent modules unload" conc_rm
t "all tokens released" eq "$(modules_val tokens)" 0
t "VTL1 holds no module" eq "$(lb_val modules)" 0
t "protections back to the kernel's" eq "$(prot_pages)" "$P0"
t "no chain page live" eq "$(alloc_val chain_pages)" 0
t "no captured image live" eq "$(modules_val pristine_live)" 0
cat $D/stats
cat $D/allocations
t "rmmod $HEKI_MOD refused: VTL1 protects kernel text" fails rmmod $HEKI_MOD
t "  /sys/kernel/heki/unload says why" \
	grep -q "^refused: VTL1 protects kernel text" /sys/kernel/heki/unload
t "  still enforcing" grep -qx enforcing /sys/kernel/heki/state
t "  unsigned module still refused" insmod_refused /heki_test_mod-unsigned.ko "No data available"
