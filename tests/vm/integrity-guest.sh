# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/integrity.sh (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh). Environment: MODS.

D=/sys/kernel/debug/heki

# token_line MODULE: the debugfs line of MODULE's token.
token_line() { grep " module $1 " $D/modules; }
# why NAME: VTL1's refusal line(s) for the last load, echoed as comments.
why() { dmesg | grep -E "refused|heki_vtl1: module" | tail -n 4 | sed 's/^/# /'; }

t "insmod heki_vtl0 transport=loopback certs=heki/debian-certs.der" \
	insmod /heki_vtl0.ko transport=loopback certs=heki/debian-certs.der

loads() {	# loads NAME: modprobe NAME (and its deps); NAME holds a token
	name=$(echo "$1" | tr - _)
	if ! modprobe "$1"; then
		why
		return 1
	fi
	token_line "$name" >/dev/null || { why; return 1; }
}
for m in $MODS; do
	t "Debian $m validated and loaded" loads "$m"
done
cat $D/modules | head -n 100
n=$(grep -c " module " $D/modules || true)
echo "# $n modules hold a VTL1 token"
t "at least 50 Debian modules validated" test "$n" -ge 50
