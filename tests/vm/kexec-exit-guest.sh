# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/kexec.sh, boot 3 (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh): rmmod -f of heki_vtl0 racing a kexec load that
# VTL1 accepts, whose invalidation in the exit function then fails
# (heki_kexec_exit()'s -EBUSY path, issue 11 item 2).
#
# The load pins heki_vtl0 and sleeps before KexecValidate
# (test_kexec_pause_ms); rmmod -f, started meanwhile, finds no image held,
# so the exit function goes to heki_kexec_exit(), which waits for the load
# (accepted), then invalidates it, answered -EIO (test_result=
# KEXEC_VALIDATE#2:-5: call 1 is the validation, call 2 the invalidation;
# not sent, so VTL1 really keeps the image). The exit then does not
# return: heki_vtl0 stays loaded and fail-closed; the kexec_file_load and
# cleanup hooks are gone, those that keep held frames (kimage_free,
# machine_kexec_prepare, crash_shrink_memory) stay. KEXEC_FILE_UNLOAD then
# still reaches the kimage_free hook, which invalidates the image before
# the kernel frees it (kexec/released): without that hook the kernel
# would free frames VTL1 still protects.

S=/sys/kernel/heki
T=/sys/kernel/tracing
K=/kexec-load
P=/sys/module/$HEKI_MOD/parameters
mount -t tracefs tracefs $T 2>/dev/null || true

ks() { cat "$S/kexec/$1"; }
eq() {
	[ "$1" = "$2" ] && return 0
	echo "# got '$1', expected '$2'"
	return 1
}
hooked() { grep -q "^$1" $T/enabled_functions; }
# (heki_vtl0's debugfs files, protected_free among them, cannot be opened
# once rmmod -f marked it going: sysfs and the ftrace list are read.)

t "insmod heki_vtl0 transport=loopback protect_kernel=0 certs=heki/kexec-certs.der" \
	insmod $HEKI_KO $HEKI_ARGS protect_kernel=0 certs=heki/kexec-certs.der
t "  unload allowed: nothing held" grep -qx allowed $S/unload
echo 6000 >$P/test_kexec_pause_ms
echo "KEXEC_VALIDATE#2:-5" >$P/test_result
$K /vmlinuz >/tmp/load.out 2>&1 &
load=$!
# Reading and copying the kernel file takes seconds under TCG.
paused() {
	for _ in $(seq 60); do
		dmesg | grep -q "test_kexec_pause_ms: 6000 ms before KexecValidate" &&
			return 0
		sleep 1
	done
	return 1
}
t "a kexec load pins heki_vtl0 and pauses before KexecValidate" paused
rmmod -f $HEKI_MOD >/tmp/rmmod-f.log 2>&1 &
rc=0
wait $load || rc=$?
sed 's/^/# /' /tmp/load.out
sleep 2
t "rmmod -f meanwhile: the load is still accepted (the exit waits for it)" \
	sh -c "test $rc = 0 && grep -q success /tmp/load.out && test \$(cat /sys/kernel/kexec_loaded) = 1"
t "  the exit's invalidation refused (-5)" \
	dmesg_has "kexec: invalidating the kexec image failed (-5)"
t "  counted (kexec/leaked 1), the image still held" \
	sh -c "test $(ks leaked) = 1 && test $(ks normal_held) = 1"
t "  heki_vtl0 stays loaded" heki_loaded
t "  fail-closed, and says why" sh -c "grep -qx fail-closed $S/state &&
	grep -q '^forced unload (rmmod -f) refused: VTL1 still holds a kexec image (invalidation failed)' $S/reason"
t "  the kexec_file_load and cleanup hooks are removed" \
	sh -c "! grep -q '^__x64_sys_kexec_file_load' $T/enabled_functions &&
		! grep -q '^kimage_file_post_load_cleanup' $T/enabled_functions"
t "  the kimage_free hook stays" hooked kimage_free
t "  the machine_kexec_prepare hook stays" hooked machine_kexec_prepare
t "  the crash_shrink_memory hook stays" hooked crash_shrink_memory
echo "" >$P/test_result
echo 0 >$P/test_kexec_pause_ms
t "  the next kexec_file_load refused (EPERM)" sh -c "$K /vmlinuz | grep -q 'errno 1 '"
t "  rmmod $HEKI_MOD refused (EBUSY: its exit never returns)" \
	sh -c "! rmmod $HEKI_MOD 2>/dev/null && grep -q '^$HEKI_MOD ' /proc/modules"
t "KEXEC_FILE_UNLOAD: the kept kimage_free hook invalidates the image first" \
	sh -c "$K -u | grep -q success"
t "  released (kexec/released 1), nothing held" \
	sh -c "test $(ks released) = 1 && test $(ks normal_held) = 0 && test \$(cat /sys/kernel/kexec_loaded) = 0"
