# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/integrity-amd.sh (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh), on an AMD CPU model whose return thunk is not
# exported. Environment: MODS (modules to load).

V=/sys/devices/system/cpu/vulnerabilities
for f in retbleed spec_rstack_overflow; do
	echo "# $f: $(cat $V/$f 2>/dev/null || echo '?')"
done

# ksym NAME: address of NAME in /proc/kallsyms (16 hex digits), or nothing.
ksym() { awk -v n="$1" '$3 == n { print $1; exit }' /proc/kallsyms; }

# The thunk this run expects (heki_thunk= on the kernel command line).
THUNK=$(sed -n 's/.*heki_thunk=\([a-z_]*\).*/\1/p' /proc/cmdline)
echo "# expected return thunk: $THUNK"

# The kernel uses it: RETHUNK on and x86_return_thunk is not the default.
picked_thunk() {
	dmesg | grep -E "RETBleed:|Speculative Return Stack Overflow:" | sed 's/^/# /'
	case $THUNK in
	srso_return_thunk | srso_alias_return_thunk)
		grep -q "safe RET" $V/spec_rstack_overflow ;;
	retbleed_return_thunk)
		grep -q "untrained return thunk" $V/retbleed &&
			! grep -q "safe RET" $V/spec_rstack_overflow ;;
	*)	return 1 ;;
	esac
}
t "AMD CPU whose kernel returns through $THUNK" picked_thunk

t "insmod heki_vtl0 transport=loopback certs=heki/debian-certs.der" \
	insmod $HEKI_KO $HEKI_ARGS certs=heki/debian-certs.der

# VTL1 logged the extension; its thunk is $THUNK (not exported).
ext_thunk() {
	line=$(dmesg | grep "LoadKData: kernel .* return thunk" | tail -n 1)
	echo "# ${line#*heki_vtl1: }"
	got=$(echo "$line" | sed -n 's/.*return thunk 0x\([0-9a-f]*\) flags 0x1,.*/\1/p')
	want=$(ksym "$THUNK")
	echo "# $THUNK is at $want in /proc/kallsyms"
	[ -n "$got" ] && [ -n "$want" ] && [ "$(printf %016x 0x$got)" = "$want" ]
}
t "VTL1 got the kernel info extension with that thunk and RETHUNK" ext_thunk
# Exports have a __ksymtab_ entry in kallsyms (KALLSYMS_ALL).
t "$THUNK is not exported (__x86_return_thunk is)" sh -c \
	"grep -q ' __ksymtab___x86_return_thunk\$' /proc/kallsyms && ! grep -q ' __ksymtab_$THUNK\$' /proc/kallsyms"

validated() {
	name=$(echo "$1" | tr - _)
	modprobe "$1" || echo "# modprobe $1 failed"
	last=$(dmesg | grep -E "heki_vtl0: module $name (refused|validated: token)" | tail -n 1)
	if ! echo "$last" | grep -q "validated: token"; then
		dmesg | grep -E "refused|heki_vtl1: module" | tail -n 4 | sed 's/^/# /'
		return 1
	fi
}
for m in $MODS; do
	t "Debian $m validated (return sites jmp to the thunk in use)" validated "$m"
done
n=$(dmesg | grep -c "heki_vtl0: module .* validated: token" || true)
echo "# $n ValidateModule calls accepted"
t "no refusal" sh -c "! dmesg | grep -q 'heki_vtl0: module .* refused'"
