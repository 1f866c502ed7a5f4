# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/integrity.sh (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh). Environment: MODS, GAPS (known gaps), the
# module under test (HEKI_KO, HEKI_MOD, HEKI_ARGS, HEKI_PRELOAD) and where
# VTL1's protections are (HEKI_PROT).

D=/sys/kernel/debug/heki
PROT=${HEKI_PROT:-$D/protections}

# token_line MODULE: the debugfs line of MODULE's token.
token_line() { grep " module $1 " $D/modules; }
# why NAME: VTL1's refusal line(s) for the last load, echoed as comments.
why() { dmesg | grep -E "refused|heki_vtl1: module" | tail -n 4 | sed 's/^/# /'; }

heki_preload
t "insmod $HEKI_MOD $HEKI_ARGS certs=heki/debian-certs.der" \
	insmod $HEKI_KO $HEKI_ARGS certs=heki/debian-certs.der

# validated NAME: modprobe NAME (deps first); VTL1 validated NAME. A load
# whose init then fails for its own reasons (e.g. crc32_pclmul: no
# PCLMULQDQ on QEMU's TCG CPU, ENODEV) still counts as validated.
validated() {
	name=$(echo "$1" | tr - _)
	modprobe "$1" || echo "# modprobe $1 failed"
	last=$(dmesg | grep -E "heki_vtl0: module $name (refused|validated: token)" | tail -n 1)
	if ! echo "$last" | grep -q "validated: token"; then
		why
		return 1
	fi
}
# --- tampering (test_tamper, loopback only): refused, nothing left ------

prot_pages() {
	awk '/^0x/ && ($4 !~ /w/ || $4 ~ /x/) { n += $2 } END { print n + 0 }' "$PROT"
}
TP=/sys/module/$HEKI_MOD/parameters/test_tamper
# tampered MOD KIND PATTERN: the hook wrote MOD's memory (KIND, see
# kmod/modhook.c test_tamper), MOD's load is refused, VTL1's log line
# matches PATTERN, and no token, VTL1 module or protection is left.
tampered() {
	p0=$(prot_pages)
	n0=$(grep -c " module " $D/modules || true)
	echo "$1:$2" > $TP
	if modprobe "$1"; then
		echo "# $1 was accepted"
		echo > $TP
		rmmod "$1"
		return 1
	fi
	echo > $TP
	dmesg | grep "heki_vtl1: module .* refused" | tail -n 1 | sed 's/^/# /'
	dmesg | grep -q "test_tamper: $1: wrote .*($2)" &&
		dmesg | grep "heki_vtl1: module .* refused" | tail -n 1 | grep -qE "$3" &&
		! grep -q "^$1 " /proc/modules &&
		[ "$(grep -c " module " $D/modules || true)" = "$n0" ] &&
		[ "$(prot_pages)" = "$p0" ]
}
if [ ! -e "$TP" ]; then
	skip "tamper: VTL1 refuses module memory changed after signing" \
		"test_tamper is in the test build only"
else
	t "tamper: one byte of veth's ro_after_init padding refused (CONTENT_MISMATCH)" \
		tampered veth byte "MODULE_CONTENT_MISMATCH: mem 3\+0x[0-9a-f]* section 0 .* rule - 'equal'"
	t "tamper: veth's sorted __jump_table entry changed refused (rewrite rule)" \
		tampered veth jump_table "refused: REWRITE_[A-Z_]*: mem 3\+0x[0-9a-f]* section [0-9]* '__jump_table'"
	t "tamper: one byte of veth's .text (first body byte after an mcount site) refused (CONTENT_MISMATCH)" \
		tampered veth text "MODULE_CONTENT_MISMATCH: mem 0\+0x[0-9a-f]* section [0-9]* '\.text'\+0x[0-9a-f]* rule - 'equal'"
	t "tamper: one byte of veth's rodata string \"veth\" refused (CONTENT_MISMATCH)" \
		tampered veth rodata "MODULE_CONTENT_MISMATCH: mem 2\+0x[0-9a-f]* section [0-9]* '\.rodata[.a-z0-9]*'\+0x[0-9a-f]* rule - 'equal'"
	t "tamper: veth's first mcount site set to call .+5 refused (mcount rule)" \
		tampered veth mcount "REWRITE_MCOUNT_FORBIDDEN: mem 0\+0x[0-9a-f]* section [0-9]* '\.text'\+0x[0-9a-f]* rule mcount "
	t "untampered veth then validates" validated veth
	t "rmmod veth" rmmod veth
fi
# The refusals above are expected; count the rest from here on.
dmesg -c >/dev/null

for m in $MODS; do
	case " $GAPS " in
	*" $m "*)
		if validated "$m"; then
			t "Debian $m validated (listed as a known gap)" true
		else
			skip "Debian $m" "known gap, see Documentation/integrity.rst"
		fi ;;
	*)	t "Debian $m validated" validated "$m" ;;
	esac
done
head -n 100 $D/modules
n=$(dmesg | grep -c "heki_vtl0: module .* validated: token" || true)
echo "# $n ValidateModule calls accepted, $(grep -c ' module ' $D/modules || true) tokens held now"
t "at least $MIN Debian module loads validated ($n, Debian's certificate, full content check)" test "$n" -ge "$MIN"
t "no unexpected refusal" sh -c "! dmesg | grep 'heki_vtl0: module .* refused' | grep -vE 'module ($(echo $GAPS | tr ' ' '|')) refused'"
# Static calls of validated module text retargeted after validation
# (kvm_amd: kvm's kvm_x86_ops calls; 7.2: xor, raid6_pq) go through VTL1's
# PatchText (kmod/scall.c), none refused; the would-fault detector sees no
# write of them (scripts/vm-run.sh).
SC=/sys/kernel/heki/static_calls
sc_p=$(cat $SC/patched) sc_r=$(cat $SC/refused) sc_e=$(cat $SC/int3_emulated)
sc_k=$(cat $SC/kernel_text_patched)
echo "# static calls in validated module text and kernel text: $sc_p updated through PatchText ($sc_k in kernel text), $sc_r refused, $sc_e int3 hits emulated, $(cat $SC/kernel_path) left to the kernel"
t "no static call update in validated module text refused" test "$sc_r" -eq 0
# Static keys flipped after validation in validated module text go the
# same way (kmod/jlabel.c).
JL=/sys/kernel/heki/jump_labels
echo "# jump labels in validated module text: $(cat $JL/patched) set through PatchText, $(cat $JL/refused) refused, $(cat $JL/int3_emulated) int3 hits emulated, $(cat $JL/kernel_path) left to the kernel"
t "no jump label update in validated module text refused" test "$(cat $JL/refused)" -eq 0
# The keys VTL1 admits at kernel sites (HEKI_KSCALL_KEY_LIST in
# vtl1/src/kdata/kallsyms.h) as this kernel's kallsyms names them.
echo "# kallsyms: $(grep -c ' __SCK__' /proc/kallsyms) static call keys, $(grep -c ' __SCK__lsm_static_call_' /proc/kallsyms) of them LSM hooks; perf guest keys: $(grep -oE ' __SCK____perf_guest_[a-z_]+' /proc/kallsyms | tr -d ' ' | tr '\n' ' ')"
# kvm a module (CONFIG_KVM=m selects GUEST_PERF_EVENTS): the keys exist
case " $MODS " in
*" kvm "*)
	t "kallsyms names the perf guest keys VTL1 admits" sh -c \
		"grep -q ' __SCK____perf_guest_state\$' /proc/kallsyms && grep -q ' __SCK____perf_guest_get_ip\$' /proc/kallsyms" ;;
esac
case " $MODS " in
*" kvm_amd "*)
	t "kvm_amd's static_call_update()s of kvm's sites went through PatchText ($sc_p)" \
		test "$sc_p" -gt 0
	# kvm_arch_hardware_setup() -> perf_register_guest_info_callbacks():
	# the trampolines and call sites of __perf_guest_state and
	# __perf_guest_get_ip in kernel text, 8 updates, none refused
	t "the 8 kernel static call sites of perf's guest callbacks went through PatchText ($sc_k)" \
		test "$sc_k" -eq 8 ;;
esac
