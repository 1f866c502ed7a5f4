# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/integrity.sh (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh). Environment: MODS, GAPS (known gaps).

D=/sys/kernel/debug/heki

# token_line MODULE: the debugfs line of MODULE's token.
token_line() { grep " module $1 " $D/modules; }
# why NAME: VTL1's refusal line(s) for the last load, echoed as comments.
why() { dmesg | grep -E "refused|heki_vtl1: module" | tail -n 4 | sed 's/^/# /'; }

t "insmod heki_vtl0 transport=loopback certs=heki/debian-certs.der" \
	insmod /heki_vtl0.ko transport=loopback certs=heki/debian-certs.der

# validated NAME: modprobe NAME (deps first); VTL1 validated NAME. A load
# whose init then fails for its own reasons (e.g. crc32_pclmul: no
# PCLMULQDQ on QEMU's TCG CPU, ENODEV) still counts as validated.
validated() {
	name=$(echo "$1" | tr - _)
	modprobe "$1" || echo "# modprobe $1 failed"
	if dmesg | grep -q "heki_vtl0: module $name refused" ||
		! dmesg | grep -q "heki_vtl0: module $name validated: token"; then
		why
		return 1
	fi
}
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
t "at least 50 Debian module loads validated" test "$n" -ge 50
t "no unexpected refusal" sh -c "! dmesg | grep 'heki_vtl0: module .* refused' | grep -vE 'module ($(echo $GAPS | tr ' ' '|')) refused'"
