# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/kexec.sh, boot 2 (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh): a crash image whose invalidation fails, and
# root's kexec_crash_size (crash_shrink_memory(), which gives the end of the
# crashkernel= reserve back to the page allocator) while VTL1 may protect
# crash frames (issue 11).
#
#  1. nothing held: a shrink by 16 MiB goes through (the hook lets it);
#  2. an accepted crash image unloaded while VTL1 refuses the invalidation
#     with a documented error (test_result=KEXEC_VALIDATE:-22, not sent:
#     VTL1 really keeps it): image leaked, shrink refused, a new crash load
#     refused (it would write the frames VTL1 keeps), still enforcing;
#     heki_vtl0 pinned: rmmod refused, the invalidation still refused;
#  3. a normal image accepted, unloaded while its invalidation is answered
#     R8 2^32 (KEXEC_VALIDATE:0x100000000, not sent: VTL1 still protects
#     it): image and copies kept, none of its frames free, counted,
#     fail-closed, pinned, shrink still refused.

D=/sys/kernel/debug/heki
S=/sys/kernel/heki
W=/sys/kernel/heki_wouldfault
K=/kexec-load
CS=/sys/kernel/kexec_crash_size
P=/sys/module/$HEKI_MOD/parameters
MiB16=16777216

prot_pages() {
	awk '/^0x/ && ($4 !~ /w/ || $4 ~ /x/) { n += $2 } END { print n + 0 }' $D/protections
}
kx() { sed -n "s/^$1: \([^ ]*\).*/\1/p" $D/boot; }
ks() { cat "$S/kexec/$1"; }
eq() {
	[ "$1" = "$2" ] && return 0
	echo "# got '$1', expected '$2'"
	return 1
}
show() { grep "^kexec" $D/boot | sed 's/^/# /'; dmesg | grep -E "heki_vtl[01]: .*(kexec|KEXEC)" | tail -n 3 | sed 's/^/# /'; }
no_protected_free() { eq "$(sed -n 's/^protected_free //p' $D/protected_free)" 0; }
# shrink_refused: a 16 MiB smaller kexec_crash_size fails, the size stays.
shrink_refused() {
	c=$(cat $CS)
	if echo $((c - MiB16)) >$CS 2>/dev/null; then
		echo "# shrink accepted: $(cat $CS)"
		return 1
	fi
	eq "$(cat $CS)" "$c" &&
		dmesg | grep "kexec_crash_size shrink" | tail -n 1 | grep -q "refused"
}
crash_loaded() { $K -c /vmlinuz | grep -q success && eq "$(cat /sys/kernel/kexec_crash_loaded)" 1; }

if [ "$(cat $CS)" -lt $((4 * MiB16)) ]; then
	skip "crash reserve and its invalidation" "no crashkernel= memory ($(cat $CS) bytes)"
	exit 0
fi
t "insmod heki_vtl0 transport=loopback protect_kernel=0 certs=heki/kexec-certs.der" \
	insmod $HEKI_KO $HEKI_ARGS protect_kernel=0 certs=heki/kexec-certs.der
t "crash_shrink_memory hooked" dmesg_has "crash reserve kept while VTL1 may protect it"

c0=$(cat $CS)
shrink_ok() { echo $((c0 - MiB16)) >$CS && eq "$(cat $CS)" $((c0 - MiB16)); }
t "nothing held: kexec_crash_size shrinks by 16 MiB" shrink_ok
p0=$(prot_pages)

# --- 2. a crash image's invalidation refused by VTL1 (documented error) -----
t "crash image accepted" crash_loaded
p1=$(prot_pages)
echo "# VTL1 protects $((p1 - p0)) pages for it"
echo KEXEC_VALIDATE:-22 >$P/test_result
t "crash image unloaded while VTL1 refuses the invalidation (-22)" sh -c "$K -c -u | grep -q success"
echo "" >$P/test_result
t "  unloaded, leaked (kexec/leaked 1), nothing released" sh -c \
	"test $(cat /sys/kernel/kexec_crash_loaded) = 0 && test $(ks leaked) = 1 && test $(prot_pages) = $p1"
t "  kimage_free kept the image" dmesg_has "kexec: a crash image kept, not freed"
t "  root's smaller kexec_crash_size refused, the reserve unchanged" shrink_refused
t "  counted (kexec/shrink_refused 1)" eq "$(ks shrink_refused)" 1
crash_refused() {
	out=$($K -c /vmlinuz)
	echo "# $out"
	echo "$out" | grep -q "errno 16 " && eq "$(prot_pages)" "$p1" &&
		dmesg_has "crash image refused: VTL1 may still protect the crash region"
}
t "  a new crash load refused (EBUSY) before it writes the region" crash_refused
t "  no frame VTL1 protects is free" no_protected_free
t "  still enforcing (a documented refusal)" grep -qx enforcing $S/state
# F9: VTL1 still holds the crash image; its invalidation still refused,
# rmmod must not let heki_vtl0 go (before, it unloaded and its exit's
# invalidation failed: nobody left to release the frames).
echo KEXEC_VALIDATE:-22 >$P/test_result
t "  rmmod refused while VTL1 keeps the crash image (pinned), still loaded" sh -c \
	"! rmmod $HEKI_MOD 2>/dev/null && grep -q '^$HEKI_MOD ' /proc/modules"
echo "" >$P/test_result
t "  /sys/kernel/heki/unload names the image" \
	grep -qx "refused: VTL1 holds a kexec image for heki_vtl0" $S/unload

# --- 3. a normal image's invalidation answered with an undefined R8 ---------
t "normal image accepted" sh -c "$K /vmlinuz | grep -q success"
p2=$(prot_pages)
echo "# VTL1 protects $((p2 - p1)) pages for it"
echo KEXEC_VALIDATE:0x100000000 >$P/test_result
t "image unloaded, the invalidation answered R8 2^32" sh -c "$K -u | grep -q success"
echo "" >$P/test_result
show
t "  unloaded, counted: leaked 2, unknown 1, malformed 1" sh -c \
	"test $(cat /sys/kernel/kexec_loaded) = 0 && test $(ks leaked) = 2 && test $(ks unknown) = 1 && test $(cat $S/calls/KEXEC_VALIDATE/malformed) = 1"
t "  both images' copies kept (kexec_live_copies 4), normal_held yes" sh -c \
	"test $(kx kexec_live_copies) = 4 && test $(kx kexec_normal_held) = yes"
t "  VTL1 still protects every page of both" eq "$(prot_pages)" "$p2"
t "  kimage_free kept the image" dmesg_has "kexec: a kexec image kept, not freed"
t "  no frame VTL1 protects is free" no_protected_free
if [ -e $W/check ]; then
	echo 1 >$W/check
	t "  nothing VTL1 protects was written (would-fault events 0)" eq "$(cat $W/events)" 0
else
	skip "  nothing VTL1 protects was written" "no would-fault detector"
fi
t "  fail-closed, and says why" sh -c "grep -qx fail-closed $S/state &&
	grep -q '^kexec: invalidation answered with an undefined R8' $S/reason"
t "  root's smaller kexec_crash_size refused, the reserve unchanged" shrink_refused
t "  the next kexec_file_load refused (EPERM)" sh -c "$K /vmlinuz | grep -q 'errno 1 '"
t "  heki_vtl0 is pinned: rmmod refused (in use)" fails rmmod $HEKI_MOD
t "  the kernel keeps running: heki_vtl0 still loaded" grep -q "^$HEKI_MOD " /proc/modules
