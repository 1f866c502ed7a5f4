# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/integrity-pin.sh (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh). The kernel command line names the feature bit
# heki_vtl0 flips (heki_capflip=), the module VTL1 must refuse
# (heki_pin_mod=), its error code (heki_pin_code=) and rule kind
# (heki_pin_kind=).

D=/sys/kernel/debug/heki
arg() { sed -n "s/.*$1=\([A-Za-z0-9_]*\).*/\1/p" /proc/cmdline; }
BIT=$(arg heki_capflip)
MOD=$(arg heki_pin_mod)
CODE=$(arg heki_pin_code)
KIND=$(arg heki_pin_kind)
echo "# flip feature bit $BIT; expect $MOD refused with $CODE ($KIND)"
echo "# CPU flags: $(grep -m1 '^flags' /proc/cpuinfo | grep -oE ' (rep_good|erms) ' | tr -d '\n')"
echo "# spectre_v2: $(cat /sys/devices/system/cpu/vulnerabilities/spectre_v2)"

t "insmod heki_vtl0 transport=loopback certs=heki/debian-certs.der test_capflip=$BIT" \
	insmod $HEKI_KO $HEKI_ARGS certs=heki/debian-certs.der \
	test_capflip="$BIT"
t "heki_vtl0 flipped feature bit $BIT in the words sent" \
	sh -c "dmesg | grep -q 'test_capflip: feature bit $BIT flipped'"

prot_pages() {
	awk '/^0x/ && ($4 !~ /w/ || $4 ~ /x/) { n += $2 } END { print n + 0 }' $D/protections
}
# pinned_refused: MOD's load is refused with CODE by the KIND rule (VTL1's
# log line names the section and offset), and no token, VTL1 module or
# protection of it is left.
pinned_refused() {
	p0=$(prot_pages)
	n0=$(grep -c " module " $D/modules || true)
	if modprobe "$MOD"; then
		echo "# $MOD was accepted"
		rmmod "$MOD"
		return 1
	fi
	line=$(dmesg | grep "heki_vtl1: module .* refused" | tail -n 1)
	echo "# ${line#*heki_vtl1: }"
	echo "$line" | grep -qE "refused: $CODE: mem [0-9]\+0x[0-9a-f]* section [0-9]+ '\.[a-z._]*'\+0x[0-9a-f]* rule $KIND '" &&
		! grep -q "^$MOD " /proc/modules &&
		[ "$(grep -c " module " $D/modules || true)" = "$n0" ] &&
		[ "$(prot_pages)" = "$p0" ]
}
t "$MOD refused: the other $KIND form than the words sent ($CODE), nothing left" \
	pinned_refused

# validated NAME: modprobe NAME; VTL1 validated it.
validated() {
	modprobe "$1" || echo "# modprobe $1 failed"
	dmesg | grep -E "heki_vtl0: module $1 (refused|validated: token)" | tail -n 1 |
		grep -q "validated: token"
}
t "dummy (no site the flipped bit decides) still validates" validated dummy
