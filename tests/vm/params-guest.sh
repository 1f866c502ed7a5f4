# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/params.sh (busybox sh -e, scripts/vm-guest-lib.sh).

D=/sys/kernel/debug/heki
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null || true
LB="transport=loopback"
CERTS="certs=heki/test-certs.der"

loaded() { grep -q "^$1 " /proc/modules; }
eq() {
	[ "$1" = "$2" ] && return 0
	echo "# got '$1', expected '$2'"
	return 1
}
# refused ARGS MESSAGE: insmod heki_vtl0 ARGS fails with MESSAGE.
refused() {
	# shellcheck disable=SC2086 # ARGS are several words
	if out=$(insmod $HEKI_KO $1 2>&1); then
		echo "# heki_vtl0 $1 was accepted"
		rmmod $HEKI_MOD || true
		return 1
	fi
	echo "# $out"
	case $out in *"$2"*) return 0 ;; esac
	echo "# expected an error containing: $2"
	return 1
}
hooked() { grep -q '^load_module' $T/enabled_functions; }
# nothing_behind: a failed load left no module, debugfs or ftrace hook.
nothing_behind() { ! loaded $HEKI_MOD && test ! -e $D && test ! -e /sys/kernel/heki && ! hooked; }
# busybox modinfo wants a modules.dep, even for a file name.
mkdir -p "/lib/modules/$(uname -r)"
[ -e "/lib/modules/$(uname -r)/modules.dep" ] || : >"/lib/modules/$(uname -r)/modules.dep"
param_documented() { modinfo -p $HEKI_KO | grep -qE "^$1:.{20,}"; }
boot_state() { grep -qE "^$1 +$2( |$)" $D/boot; }

for p in transport certs revoked blocklist mode lock_regs protect_kernel \
	load_kdata end_of_boot validate_modules vtl1_ready; do
	t "modinfo documents $p" param_documented $p
done

t "transport=auto refuses without Hyper-V (ENODEV), never loopback" \
	refused "$CERTS" "No such device"
t "  says why" dmesg_has "loopback is never chosen automatically"
t "  nothing left behind" nothing_behind
t "transport=hyperv refuses without Hyper-V" refused "transport=hyperv $CERTS" "can't insert"
t "  nothing left behind" nothing_behind
t "unknown transport refused (EINVAL)" refused "transport=bogus $CERTS" "Invalid argument"
t "load_kdata=1 without certs= refused (EINVAL)" refused "$LB" "Invalid argument"
t "  says why" dmesg_has "load_kdata=1 needs certs="
t "missing certs file refused" refused "$LB certs=heki/missing.der" "can't insert"
t "  says why" dmesg_has "cannot load certs=heki/missing.der"
t "  before any VTL call (no boot step ran)" sh -c "! dmesg | grep -q 'boot: lock_regs ok'"
t "  nothing left behind" nothing_behind
t "PEM instead of DER refused (EINVAL)" refused "$LB certs=heki/test-cert.pem" "Invalid argument"
t "  says why" dmesg_has "certs file: no DER certificate at offset 0"
t "truncated certificate refused (EINVAL)" refused "$LB certs=heki/truncated.der" "Invalid argument"
t "  says why" dmesg_has "certificate at offset 0 is truncated"
t "  nothing left behind" nothing_behind

t "VTL1 refuses LoadKData, nothing protected yet: load fails" \
	refused "$LB certs=heki/not-a-cert.der protect_kernel=0" "can't insert"
t "  after LockRegs succeeded" dmesg_has "boot: lock_regs ok"
t "  the failed step is named" dmesg_has "boot: load_kdata failed"
t "  nothing left behind" nothing_behind
t "  everything freed on that error path" \
	dmesg_has "not loaded: 0 chain pages, 0 VTL1 allocations, 0 keyrings, 0 module images live"

t "lock_regs=0 protect_kernel=0: loads" \
	insmod $HEKI_KO $LB $CERTS lock_regs=0 protect_kernel=0
t "  lock_regs off" boot_state lock_regs off
t "  protect_kernel off" boot_state protect_kernel off
# Without protect_kernel heki_vtl0 still protects the rodata pages holding
# kexec_purgatory read-only (heki_boot_purgatory()), and nothing else.
# (r--u: VTL0 may read; user-mode execute is not kernel execute)
only_purgatory() {
	! dmesg | grep -q 'kexec_purgatory not protected' &&
		awk '/^0x/ { n++; if ($4 ~ /[wx]/) bad++ } END { exit !(n == 1 && !bad) }' $D/protections ||
		{ sed 's/^/# /' $D/protections; return 1; }
}
t "  kernel text not protected: only kexec_purgatory, read-only" only_purgatory
t "  modules still validated" insmod /heki_test_mod.ko
rmmod heki_test_mod
rmmod $HEKI_MOD

t "end_of_boot=0: loads" insmod $HEKI_KO $LB $CERTS end_of_boot=0 protect_kernel=0
t "  end_of_boot off" boot_state end_of_boot off
t "  VTL1 not at end of boot" sh -c "grep -qx 'end_of_boot 0' $D/loopback"
rmmod $HEKI_MOD

t "validate_modules=0: loads" \
	insmod $HEKI_KO $LB $CERTS validate_modules=0 protect_kernel=0
t "  no hook on load_module" sh -c '! grep -q "^load_module" /sys/kernel/tracing/enabled_functions'
t "  validation off in debugfs" sh -c "grep -qx 'validation: off' $D/modules"
t "  unsigned module loads unvalidated" insmod /heki_test_mod-unsigned.ko
rmmod heki_test_mod
rmmod $HEKI_MOD

t "load_kdata=0 validate_modules=1: loads" \
	insmod $HEKI_KO $LB load_kdata=0 protect_kernel=0
t "  signed module refused: VTL1 has no certificates (EACCES)" \
	sh -c '! insmod /heki_test_mod.ko 2>/tmp/err && grep -q "Permission denied" /tmp/err'
t "  nothing validated" sh -c "grep -qx 'tokens: 0' $D/modules"
rmmod $HEKI_MOD
t "every failed or finished load freed everything" \
	sh -c '! dmesg | grep -q "with leaks"'

# mode=: enforce (default) and permissive, fixed at load, sent to VTL1.
# Audit records from here on (tests/vm/audit-guest-lib.sh).
. /audit-guest-lib.sh
S=/sys/kernel/heki
t "audit daemon registered (/audit-read)" audit_start
modnum() { test "$(cat $S/modules/$1)" = "$2"; }
t "mode=bogus refused (EINVAL)" refused "$LB $CERTS mode=bogus" "Invalid argument"
t "  says why" dmesg_has "mode=bogus: not enforce or permissive"
t "mode=permissive load_kdata=0 refused (EINVAL)" \
	refused "$LB load_kdata=0 mode=permissive" "Invalid argument"
t "  says why" dmesg_has "mode=permissive needs load_kdata=1"
t "  nothing left behind" nothing_behind

t "default mode: loads" insmod $HEKI_KO $LB $CERTS protect_kernel=0
t "  mode enforce in sysfs" grep -qx enforce $S/mode
t "  and in debugfs" grep -qx "mode enforce" $D/boot
t "  VTL1 recorded enforce" grep -qx "mode enforce" $D/loopback
t "  unsigned module refused (ENODATA)" \
	sh -c '! insmod /heki_test_mod-unsigned.ko 2>/tmp/err && grep -q "No data available" /tmp/err'
t "  refusal recorded" sh -c "grep -qx 'heki_test_mod -61' $S/modules/last_refused"
t "  nothing loaded unprotected" modnum loaded_unprotected 0
t "  heki_test_mod not loaded" sh -c '! grep -q "^heki_test_mod " /proc/modules'
t "  audit: boot steps recorded" audit_has "op=heki_boot what=load_kdata" \
	"err=0 reason=OK transport=loopback mode=enforce res=1"
t "  audit: refusal, VTL1's reason, not loaded" audit_has \
	'op=heki_module name="heki_test_mod"' "sha256=$(sha256sum /heki_test_mod-unsigned.ko | cut -d' ' -f1)" \
	'name="heki_test_mod" verdict=refused by=vtl1 action=not_loaded' \
	"err=-61 reason=MODSIG_NOT_FOUND mode=enforce sha256=" "signer=none res=0"
rmmod $HEKI_MOD

t "mode=permissive: loads" insmod $HEKI_KO $LB $CERTS protect_kernel=0 mode=permissive
t "  mode permissive in sysfs" grep -qx permissive $S/mode
t "  and in debugfs" grep -qx "mode permissive" $D/boot
t "  VTL1 recorded permissive (LoadKData Mode)" grep -qx "mode permissive" $D/loopback
t "  the parameter is read-only" \
	sh -c "! echo enforce >/sys/module/$HEKI_MOD/parameters/mode"
t "  unsigned module loads unprotected" insmod /heki_test_mod-unsigned.ko
t "  refused exactly as in enforce mode" \
	dmesg_has "module heki_test_mod refused: ValidateModule failed (-61); mode=permissive: loaded unprotected"
t "  refusal counted" modnum refused 1
t "  last_refused names it" sh -c "grep -qx 'heki_test_mod -61' $S/modules/last_refused"
t "  loaded_unprotected 1" modnum loaded_unprotected 1
t "  no token held" modnum tokens 0
t "  VTL1 holds no module" grep -qx "modules 0" $D/loopback
t "  audit: the same refusal, loaded unprotected" audit_has \
	'op=heki_module name="heki_test_mod"' "sha256=$(sha256sum /heki_test_mod-unsigned.ko | cut -d' ' -f1)" \
	'name="heki_test_mod" verdict=refused by=vtl1 action=loaded_unprotected' \
	"err=-61 reason=MODSIG_NOT_FOUND mode=permissive sha256=" "signer=none res=0"
rmmod heki_test_mod
t "  a signed module is validated as in enforce mode" insmod /heki_test_mod.ko
t "  its token is held" modnum tokens 1
t "  audit: acceptance with hash, signer and token" audit_has \
	'op=heki_module name="heki_test_mod"' "sha256=$(sha256sum /heki_test_mod.ko | cut -d' ' -f1)" \
	"signer=$(printf 'heki test signing key' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" " serial=" \
	'name="heki_test_mod" verdict=accepted by=vtl1 action=loaded token=' \
	"err=0 reason=OK mode=permissive unrecorded=0 sha256=" " res=1"
t "  audit: every record reached the daemon" sh -c "test \$(cat $S/audit/printk) = 0 && test \$(cat $S/audit/records) -ge 6"
rmmod heki_test_mod
t "  token released at unload" modnum tokens 0
rmmod $HEKI_MOD

# What the module records carry, and how acceptances are aggregated.
# records FIELDS: how many heki records hold FIELDS (one fixed string).
records() {
	sleep 1		# the audit daemon writes what kauditd sent
	ausearch -if /tmp/audit.log -m KERNEL_OTHER --raw 2>/dev/null |
		grep -cF -- "$1" || true
}
t "audit records: loads" insmod $HEKI_KO $LB $CERTS protect_kernel=0
t "signer with a 300-byte CN (not a system certificate): refused" \
	fails insmod /heki_test_mod-longcn.ko
t "  audit: the verdict first, then the CN in hex (it has spaces), cut at 64 bytes" \
	audit_has 'op=heki_module name="heki_test_mod" verdict=refused by=vtl1 action=not_loaded err=-' \
	" mode=enforce sha256=" " signer=$LONGCN_HEX serial=" " res=0"
t "signer named by subject key identifier: refused (ENOPKG), as VTL1's own providers do" \
	sh -c 'initmod /heki_test_mod-skid.ko | grep -q "errno 65:"'
t "  audit: VTL1's reason, the signer by skid" audit_has \
	'name="heki_test_mod" verdict=refused by=vtl1 action=not_loaded err=-65 reason=SIG_UNSUPPORTED' \
	" skid=$SKID_HEX res=0"

# Acceptances past 32 in 10 s: counted, not recorded; refusals never.
acc='name="heki_test_mod" verdict=accepted'
u0=$(cat $S/audit/unrecorded) a0=$(records "$acc") i=0
while [ $i -lt 100 ] && [ "$(cat $S/audit/unrecorded)" = "$u0" ]; do
	insmod /heki_test_mod.ko && rmmod heki_test_mod
	i=$((i + 1))
done
echo "# $i loads until one was aggregated"
t "acceptance storm: one acceptance past 32 per 10 s not recorded" \
	eq "$(cat $S/audit/unrecorded)" $((u0 + 1))
t "  every other one recorded" eq "$(records "$acc")" $((a0 + i - 1))
r0=$(records 'name="heki_test_mod" verdict=refused')
t "  a refusal in the full window (one init_module)" \
	sh -c 'initmod /heki_test_mod-unsigned.ko | grep -q "errno 61:"'
t "  is recorded" eq "$(records 'name="heki_test_mod" verdict=refused')" $((r0 + 1))
sleep 11	# the next window
t "next window: an acceptance" insmod /heki_test_mod.ko
t "  its record carries the count" audit_has "$acc" "unrecorded=1 sha256="
rmmod heki_test_mod
rmmod $HEKI_MOD

# revoked= and blocklist=: read and checked with certs=, before any VTL
# call; VTL1 then refuses what they name.
t "missing revoked= file refused" \
	refused "$LB $CERTS revoked=heki/missing.der" "can't insert"
t "  says why" dmesg_has "cannot load revoked=heki/missing.der"
t "  nothing left behind" nothing_behind
t "PEM revoked= file refused (EINVAL)" \
	refused "$LB $CERTS revoked=heki/test-cert.pem" "Invalid argument"
t "malformed blocklist= line refused (EINVAL)" \
	refused "$LB $CERTS blocklist=heki/bad-block.txt" "Invalid argument"
t "  says why" dmesg_has "blocklist file: line at offset 12 is not bin:<hex> or tbs:<hex>"
t "  nothing left behind" nothing_behind
t "revoked= with load_kdata=0 refused (EINVAL)" \
	refused "$LB load_kdata=0 revoked=heki/test-certs.der" "Invalid argument"
t "  says why" dmesg_has "revoked= and blocklist= reach VTL1 with load_kdata=1 only"

t "revoked= the only certificate of certs=: LoadKData refused (EACCES)" \
	refused "$LB $CERTS protect_kernel=0 revoked=heki/test-certs.der" "Permission denied"
t "  the failed step is named" dmesg_has "boot: load_kdata failed (-13): "
t "  VTL1's reason" dmesg_has \
	"; VTL1: SYSTEM_CERTIFICATES_INVALID - no usable system certificate"
t "  nothing left behind" nothing_behind
t "revoked= the test certificate, certs= test+other: loads" \
	insmod $HEKI_KO $LB certs=heki/test-other-certs.der protect_kernel=0 \
	revoked=heki/test-certs.der
t "  signed test module refused (EKEYREJECTED)" \
	sh -c '! insmod /heki_test_mod.ko 2>/tmp/err && grep -q "Key was rejected" /tmp/err'
t "  VTL1 says why" dmesg_has "SIG_KEY_REVOKED"
t "  boot detail counts it" grep -q "1 revoked" $D/boot
rmmod $HEKI_MOD
t "blocklist= the test module's sha256sum: loads" \
	insmod $HEKI_KO $LB $CERTS protect_kernel=0 blocklist=heki/mod-block.txt
t "  that module refused (EKEYREJECTED)" \
	sh -c '! insmod /heki_test_mod.ko 2>/tmp/err && grep -q "Key was rejected" /tmp/err'
t "  VTL1 says why" dmesg_has "SIG_HASH_BLOCKED"
rmmod $HEKI_MOD

# Last: with kernel text protected heki_vtl0 cannot be unloaded again.
t "all steps on: loads" insmod $HEKI_KO $LB $CERTS
t "  load_module is hooked while loaded" hooked
t "  every step ok" sh -c "grep -cE ' ok ' $D/boot | grep -qx 4"
t "  rmmod refused while kernel text is protected" fails rmmod $HEKI_MOD
t "  the hook stays" hooked

# ValidateModule answered with an undefined R8: VTL1 may hold the module's
# frames under a token heki_vtl0 never learns (fail-closed, frames kept).
P=/sys/module/$HEKI_MOD/parameters
echo VALIDATE_MODULE:0xffffffff00000000 >$P/test_result
t "ValidateModule answered 0xffffffff00000000: module refused (EPROTO)" \
	sh -c 'initmod /heki_test_mod.ko | grep -q "errno 71:"'
echo "" >$P/test_result
t "  not loaded, no token" \
	sh -c "! grep -q '^heki_test_mod ' /proc/modules && test \$(cat $S/modules/tokens) = 0"
t "  counted as malformed and unknown" sh -c \
	"test \$(cat $S/calls/VALIDATE_MODULE/malformed) -ge 1 && test \$(cat $S/modules/unknown) = 1"
t "  fail-closed, and says why" sh -c "grep -qx fail-closed $S/state &&
	grep -q '^ValidateModule of heki_test_mod answered with an undefined R8' $S/reason"
t "  the module's frames are kept" test "$(cat $S/modules/kept_pages)" -gt 0
t "  audit: refused by heki_vtl0, undefined answer" audit_has \
	'name="heki_test_mod" verdict=refused by=heki_vtl0 action=not_loaded err=-71 reason=undefined_answer'
t "  audit: fail-closed" audit_has "op=heki_state what=fail-closed"
t "  the next signed module refused (EPERM)" \
	sh -c '! insmod /heki_test_mod.ko 2>/tmp/err && grep -q "Operation not permitted" /tmp/err'
