# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/kexec.sh (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh).

D=/sys/kernel/debug/heki
K=/kexec-load

# Pages VTL1 made read-only or executable (loopback "protections").
prot_pages() {
	awk '/^0x/ && ($4 !~ /w/ || $4 ~ /x/) { n += $2 } END { print n + 0 }' $D/protections
}
# kx NAME: the value of NAME in debugfs "boot" (kexec_* lines).
kx() { sed -n "s/^$1: \([^ ]*\).*/\1/p" $D/boot; }
show() { grep "^kexec" $D/boot | sed 's/^/# /'; dmesg | grep -E "heki_vtl[01]: .*(kexec|KEXEC)" | tail -n 3 | sed 's/^/# /'; }

# Audit records (tests/vm/audit-guest-lib.sh): the daemon first.
. /audit-guest-lib.sh
t "audit daemon registered (/audit-read)" audit_start

# protect_kernel=0: the suite ends with an unload (kernel text protected
# would pin heki_vtl0; the kexec hooks do not depend on it).
t "insmod heki_vtl0 transport=loopback protect_kernel=0 certs=heki/kexec-certs.der" \
	insmod $HEKI_KO $HEKI_ARGS protect_kernel=0 certs=heki/kexec-certs.der
t "hook installed (kimage_file_post_load_cleanup)" \
	test "$(kx kexec_hook)" = kimage_file_post_load_cleanup
p0=$(prot_pages)
echo "# $p0 pages protected after boot"

# kverdict CASE ACCEPTED: print VTL1's verdict on the kexec_file_load just
# made (ACCEPTED 1 or 0; a refusal with VTL1's last KexecValidate reason)
# for kexec.sh, which asks heki-verify the same (tests/lib/verdicts.sh).
kverdict() {
	if [ "$2" = 1 ]; then
		echo "# heki-verdict $1 accepted"
	else
		echo "# heki-verdict $1 refused $(dmesg |
			sed -n 's/.*heki_vtl1: KEXEC_VALIDATE: //p' | tail -n 1)"
	fi
}

# --- normal kexec --------------------------------------------------------
loaded_ok() {
	out=$($K /vmlinuz) || { echo "# $out"; show; kverdict signed 0; return 1; }
	kverdict signed 1
	show
	p1=$(prot_pages)
	echo "# $p1 pages protected ($((p1 - p0)) for the image)"
	[ "$(cat /sys/kernel/kexec_loaded)" = 1 ] &&
		[ "$(kx kexec_normal_held)" = yes ] &&
		[ "$(kx kexec_live_copies)" = 2 ] &&
		[ $((p1 - p0)) -ge 16000 ]
}
t "kexec_file_load of the Debian vmlinuz accepted (KexecValidate, >= 16000 pages protected)" loaded_ok

refused_bad() {
	r0=$(kx kexec_refused)
	if out=$($K /vmlinuz.bad); then
		echo "# tampered vmlinuz accepted"
		kverdict tampered 1
		return 1
	fi
	kverdict tampered 0
	echo "# $out"
	show
	echo "$out" | grep -q "errno 129" &&
		dmesg | grep "heki_vtl1: KEXEC_VALIDATE" | tail -n 1 | grep -q AUTHENTICODE_IMAGE_DIGEST_MISMATCH &&
		[ "$(kx kexec_refused)" = $((r0 + 1)) ] &&
		[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] &&
		[ "$(kx kexec_normal_held)" = no ] &&
		[ "$(kx kexec_live_copies)" = 0 ] &&
		[ "$(prot_pages)" = "$p0" ]
}
t "vmlinuz with one .text byte changed refused (EKEYREJECTED, digest mismatch), nothing loaded or protected" refused_bad
t "audit: the accepted image, its hash" audit_has "op=heki_kexec kind=kexec" \
	"kernel_sha256=$(sha256sum /vmlinuz | cut -d' ' -f1)" \
	"verdict=accepted by=vtl1 err=0 reason=OK mode=enforce res=1"
t "audit: the refused image, VTL1's reason" audit_has "op=heki_kexec kind=kexec" \
	"kernel_sha256=$(sha256sum /vmlinuz.bad | cut -d' ' -f1)" \
	"verdict=refused by=vtl1 err=-129 reason=AUTHENTICODE_IMAGE_DIGEST_MISMATCH mode=enforce res=0"

unloaded() {
	$K /vmlinuz >/dev/null || return 1
	[ "$(prot_pages)" -gt "$p0" ] || return 1
	$K -u || return 1
	show
	[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] &&
		[ "$(kx kexec_normal_held)" = no ] &&
		[ "$(kx kexec_live_copies)" = 0 ] &&
		[ "$(prot_pages)" = "$p0" ]
}
t "load then KEXEC_FILE_UNLOAD releases every page and copy" unloaded

# A kernel file larger than VTL1 accepts (256 MiB): refused by heki_vtl0
# before KexecValidate, and recorded like VTL1's refusals. The Debian
# image with init_size (boot protocol offset 0x260) raised to 257 MiB and
# zeros appended, so that the kernel's bzImage loader builds the image.
big_refused() {
	r0=$(kx kexec_refused)
	cp /vmlinuz /big
	printf '\000\000\020\020' | dd of=/big bs=1 seek=608 conv=notrunc 2>/dev/null
	truncate -s 269484032 /big
	out=$($K /big) || true
	rm -f /big
	echo "# $out"
	echo "$out" | grep -q "errno 27 " &&
		[ "$(kx kexec_refused)" = $((r0 + 1)) ] &&
		dmesg_has "kexec: kexec image refused: kernel file size not in 1..268435456 bytes (-27)" &&
		[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] &&
		[ "$(kx kexec_live_copies)" = 0 ] &&
		[ "$(prot_pages)" = "$p0" ]
}
if [ "${KEXEC_BIG:-0}" = 1 ]; then
	t "257 MiB kernel file refused before KexecValidate (EFBIG): logged, counted, nothing held" big_refused
	t "  audit: refused by heki_vtl0, its reason" audit_has \
		"op=heki_kexec kind=kexec verdict=refused by=heki_vtl0 err=-27 reason=image_size mode=enforce res=0"
fi

replaced() {
	$K /vmlinuz >/dev/null && p1=$(prot_pages) &&
		$K /vmlinuz >/dev/null && p2=$(prot_pages) &&
		echo "# $p1 then $p2 pages" &&
		[ "$(kx kexec_live_copies)" = 2 ] && [ "$p1" = "$p2" ] &&
		$K -u >/dev/null && [ "$(prot_pages)" = "$p0" ]
}
t "a second load replaces the first image's protections (no growth), unload releases" replaced

# tampered MODE [-c]: test_tamper_kexec=MODE changes one byte of the kernel
# segment in memory after the kernel file was copied: the signature still
# verifies, the binding refuses (KEXEC_KERNEL_CONTENT_MISMATCH).
TT=/sys/module/$HEKI_MOD/parameters/test_tamper_kexec
tampered() {
	echo "$1" >$TT
	if out=$($K $2 /vmlinuz); then
		echo 0 >$TT
		echo "# tampered image accepted"
		$K $2 -u >/dev/null
		return 1
	fi
	echo 0 >$TT
	echo "# $out"
	show
	echo "$out" | grep -q "errno 129" &&
		dmesg | grep "heki_vtl1: KEXEC_VALIDATE" | tail -n 1 | grep -q KEXEC_KERNEL_CONTENT_MISMATCH &&
		dmesg | grep "test_tamper_kexec" | tail -n 1 | grep -q "changed one byte" &&
		[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] &&
		[ "$(cat /sys/kernel/kexec_crash_loaded)" = 0 ] &&
		[ "$(kx kexec_live_copies)" = 0 ] &&
		[ "$(prot_pages)" = "$p0" ]
}
t "one byte of the loaded kernel segment changed (source page): KEXEC_KERNEL_CONTENT_MISMATCH, nothing left" tampered 1
t "one byte of the kernel segment's zero tail changed: refused the same way" tampered 2

# --- legacy kexec_load ------------------------------------------------------
legacy() {
	if out=$($K -l); then
		echo "# kexec_load accepted"
		$K -u >/dev/null 2>&1 || true
		return 1
	fi
	echo "# $out"
	echo "$out" | grep -q "errno 1 " &&
		dmesg_has "kexec_load without a kernel file cannot be validated"
}
t "kexec_load(2) without a kernel file refused (EPERM)" legacy

# --- crash kexec --------------------------------------------------------------
crash_ok() {
	out=$($K -c /vmlinuz) || { echo "# $out"; show; return 1; }
	show
	pc=$(prot_pages)
	echo "# $pc pages protected ($((pc - p0)) for the crash image)"
	[ "$(cat /sys/kernel/kexec_crash_loaded)" = 1 ] &&
		[ "$(kx kexec_crash_held)" = yes ] &&
		[ $((pc - p0)) -ge 16000 ] &&
		$K -c -u >/dev/null &&
		[ "$(cat /sys/kernel/kexec_crash_loaded)" = 0 ] &&
		[ "$(kx kexec_crash_held)" = no ] &&
		[ "$(prot_pages)" = "$p0" ]
}
if [ "$(cat /sys/kernel/kexec_crash_size)" -gt 0 ]; then
	t "crash kexec_file_load into crashkernel= accepted, released on unload" crash_ok
	crash_bad() {
		fails $K -c /vmlinuz.bad >/dev/null &&
			[ "$(cat /sys/kernel/kexec_crash_loaded)" = 0 ] &&
			[ "$(prot_pages)" = "$p0" ]
	}
	t "tampered crash kernel refused, nothing loaded or protected" crash_bad
	t "one byte of the loaded crash kernel segment changed: KEXEC_KERNEL_CONTENT_MISMATCH" tampered 1 -c
else
	skip "crash kexec" "no crashkernel= memory"
fi

# --- concurrent loads (issue 11 item 8) -----------------------------------
# Two processes at once, one loading the signed vmlinuz and one the
# tampered copy, RACE_N loads each. Every call keeps its own verdict: the
# tampered loads all fail with EKEYREJECTED (none reports success) and
# leave no image loaded that VTL1 does not hold, the signed ones all
# succeed, the counters match, and what stays loaded is what the last
# verdict says.
RACE_N=${RACE_N:-6}
race_field() { echo "$1" | sed -n "s/^$2: .*$3 \([0-9]*\).*/\1/p"; }
race_verdicts() {
	$K -u >/dev/null
	a0=$(kx kexec_accepted)
	r0=$(kx kexec_refused)
	held=/sys/kernel/heki/kexec/normal_held
	[ -e $held ] || held=$D/boot
	out=$($K -r "$RACE_N" /vmlinuz /vmlinuz.bad $held) || { echo "# $out"; return 1; }
	echo "$out" | sed 's/^/# /'
	show
	last=$(dmesg | grep -E "heki_vtl0: kexec: kexec image (validated|refused)" | tail -n 1)
	case $last in *validated*) want=1 ;; *) want=0 ;; esac
	echo "# last verdict: $last; kexec_loaded $(cat /sys/kernel/kexec_loaded), expected $want"
	[ "$(race_field "$out" bad ok)" = 0 ] &&
		[ "$(race_field "$out" bad rejected)" = "$RACE_N" ] &&
		[ "$(race_field "$out" bad other)" = 0 ] &&
		[ "$(race_field "$out" bad stale)" = 0 ] &&
		[ "$(race_field "$out" good ok)" = "$RACE_N" ] &&
		[ "$(race_field "$out" good other)" = 0 ] &&
		[ "$(kx kexec_accepted)" = $((a0 + RACE_N)) ] &&
		[ "$(kx kexec_refused)" = $((r0 + RACE_N)) ] &&
		[ "$(cat /sys/kernel/kexec_loaded)" = "$want" ]
}
t "concurrent kexec_file_load: each call keeps its verdict, no refused load succeeds" race_verdicts

# --- module unload with an image loaded (review finding F9) ---------------
# While VTL1 holds an image for heki_vtl0, only heki_vtl0 could release
# it: each kind held pins heki_vtl0 until VTL1 confirms the invalidation.
rmmod_busy() {
	if rmmod $HEKI_MOD 2>/tmp/rmmod.err; then
		echo "# rmmod succeeded"
		return 1
	fi
	cat /tmp/rmmod.err | sed 's/^/# /'
	grep -q "temporarily unavailable" /tmp/rmmod.err &&
		grep -q "^$HEKI_MOD " /proc/modules
}
t "load again before rmmod" $K /vmlinuz
t "rmmod $HEKI_MOD refused while VTL1 holds the image (EAGAIN), still loaded" rmmod_busy
t "  /sys/kernel/heki/unload names the image" \
	grep -qx "refused: VTL1 holds a kexec image for heki_vtl0" /sys/kernel/heki/unload
t "  the image stays loaded and held" sh -c \
	"test $(cat /sys/kernel/kexec_loaded) = 1 && test $(kx kexec_normal_held) = yes"
t "KEXEC_FILE_UNLOAD: VTL1 releases it" $K -u
t "  /sys/kernel/heki/unload: allowed" grep -qx allowed /sys/kernel/heki/unload
t "rmmod $HEKI_MOD then allowed" rmmod $HEKI_MOD
t "unload reports no leak (0 kexec copies held)" \
	dmesg_has "unloaded: 0 chain pages, 0 VTL1 allocations, 0 keyrings, 0 module images live, 0 kexec copies held"

# --- revocation (issue 13 item 3) -------------------------------------------
# heki_vtl0 loaded again (the loopback VTL1 starts afresh): blocklist= the
# Debian vmlinuz's Authenticode digest (bin:, UEFI dbx's SHA-256 form),
# then revoked= the certificates that signed it, then blocklist= the tbs:
# hashes of those certificates (certs= them and an unrelated one, which
# stays trusted). Each refuses the signed image with
# VTL1's reason; nothing is loaded, held or protected.
# revoked_refused REASON CASE: so, CASE naming the verdict for kexec.sh.
revoked_refused() {
	pr=$(prot_pages)
	if out=$($K /vmlinuz); then
		echo "# image accepted"
		kverdict "$2" 1
		$K -u >/dev/null
		return 1
	fi
	kverdict "$2" 0
	echo "# $out"
	show
	echo "$out" | grep -q "errno 129" &&
		dmesg | grep "heki_vtl1: KEXEC_VALIDATE" | tail -n 1 | grep -q "$1" &&
		[ "$(cat /sys/kernel/kexec_loaded)" = 0 ] &&
		[ "$(kx kexec_normal_held)" = no ] &&
		[ "$(kx kexec_live_copies)" = 0 ] &&
		[ "$(prot_pages)" = "$pr" ]
}
t "insmod heki_vtl0 certs= blocklist= bin: the vmlinuz's Authenticode digest" \
	insmod $HEKI_KO $HEKI_ARGS protect_kernel=0 certs=heki/kexec-certs.der \
	blocklist=heki/kexec-block.txt
t "  signed vmlinuz refused (EKEYREJECTED, SIG_HASH_BLOCKED), nothing loaded or protected" \
	revoked_refused SIG_HASH_BLOCKED block
t "  audit: VTL1's reason" audit_has "op=heki_kexec kind=kexec" \
	"kernel_sha256=$(sha256sum /vmlinuz | cut -d' ' -f1)" \
	"verdict=refused by=vtl1 err=-129 reason=SIG_HASH_BLOCKED mode=enforce res=0"
t "  rmmod $HEKI_MOD" rmmod $HEKI_MOD
t "insmod heki_vtl0 certs= signer+other revoked= the signer" \
	insmod $HEKI_KO $HEKI_ARGS protect_kernel=0 \
	certs=heki/kexec-other-certs.der revoked=heki/kexec-certs.der
t "  signed vmlinuz refused (EKEYREJECTED, SIG_KEY_REVOKED), nothing loaded or protected" \
	revoked_refused SIG_KEY_REVOKED revoked
t "  rmmod $HEKI_MOD" rmmod $HEKI_MOD
t "insmod heki_vtl0 certs= signer+other blocklist= tbs: of the signer" \
	insmod $HEKI_KO $HEKI_ARGS protect_kernel=0 \
	certs=heki/kexec-other-certs.der blocklist=heki/kexec-tbs.txt
t "  signed vmlinuz refused (EKEYREJECTED, SIG_CERT_BLOCKED), nothing loaded or protected" \
	revoked_refused SIG_CERT_BLOCKED tbs
t "  rmmod $HEKI_MOD" rmmod $HEKI_MOD

# --- KexecValidate answered with an undefined R8 (issue 11, K3 class) ------
# VTL1 accepts the image (its pages protected) but heki_vtl0 reads an R8
# the ABI does not define (test_result=+NAME:VALUE replaces VTL1's real
# answer). VTL1's state is unknown to heki_vtl0: the load is refused, no
# page VTL1 may protect is written (no zeroing) or freed (kimage_free keeps
# the image, the copies stay), heki_vtl0 fails closed and says why.
S=/sys/kernel/heki
W=/sys/kernel/heki_wouldfault
P=/sys/module/$HEKI_MOD/parameters
ks() { cat "$S/kexec/$1"; }
eq() {
	[ "$1" = "$2" ] && return 0
	echo "# got '$1', expected '$2'"
	return 1
}
t "insmod heki_vtl0 again (protect_kernel=0)" \
	insmod $HEKI_KO $HEKI_ARGS protect_kernel=0 certs=heki/kexec-certs.der
p0=$(prot_pages)
echo +KEXEC_VALIDATE:0x100000000 >$P/test_result
unknown_refused() {
	if out=$($K /vmlinuz); then
		echo "# accepted: $out"
		return 1
	fi
	echo "# $out"
	show
	echo "$out" | grep -q "errno 71 "
}
t "VTL1 accepts, heki_vtl0 reads R8 2^32: kexec_file_load refused (EPROTO)" unknown_refused
echo "" >$P/test_result
t "  no image loaded" test "$(cat /sys/kernel/kexec_loaded)" = 0
t "  counted: refused, unknown, malformed" sh -c \
	"test $(ks refused) = 1 && test $(ks unknown) = 1 && test $(cat $S/calls/KEXEC_VALIDATE/malformed) = 1"
echo "# kept_pages $(ks kept_pages), VTL1 protects $(($(prot_pages) - p0)) pages more"
t "  VTL1 protects the image (>= 16000 pages more)" test $(($(prot_pages) - p0)) -ge 16000
t "  kept: every page VTL1 protects for it" eq "$(ks kept_pages)" $(($(prot_pages) - p0))
t "  both copies kept" test "$(kx kexec_live_copies)" = 2
t "  no frame VTL1 protects is free" test "$(sed -n 's/^protected_free //p' $D/protected_free)" = 0
t "  kimage_free kept the image" dmesg_has "kexec: a kexec image kept, not freed"
if [ -e $W/check ]; then
	echo 1 >$W/check
	t "  nothing VTL1 protects was written (would-fault events 0)" test "$(cat $W/events)" = 0
else
	skip "  nothing VTL1 protects was written" "no would-fault detector"
fi
t "  fail-closed, and says why" sh -c "grep -qx fail-closed $S/state &&
	grep -q '^KexecValidate of a kexec image answered with an undefined R8' $S/reason"
t "  audit: refused by heki_vtl0, undefined answer" audit_has "op=heki_kexec kind=kexec" \
	"verdict=refused by=heki_vtl0 err=-71 reason=undefined_answer"
t "  the next kexec_file_load refused (EPERM)" sh -c "$K /vmlinuz | grep -q 'errno 1 '"
t "  heki_vtl0 is pinned: rmmod refused (in use)" fails rmmod $HEKI_MOD
t "  the kernel keeps running: heki_vtl0 still loaded" grep -q "^$HEKI_MOD " /proc/modules
# No crash image is held, but the undefined answer leaves VTL1's state
# unknown: the crashkernel= reserve stays (crash_shrink_memory refused).
c=$(cat /sys/kernel/kexec_crash_size)
if [ "$c" -gt 16777216 ]; then
	t "  root's smaller kexec_crash_size refused, the reserve unchanged" sh -c \
		"! echo $((c - 16777216)) 2>/dev/null >/sys/kernel/kexec_crash_size && test \$(cat /sys/kernel/kexec_crash_size) = $c"
else
	skip "  root's smaller kexec_crash_size refused" "no crashkernel= memory"
fi
