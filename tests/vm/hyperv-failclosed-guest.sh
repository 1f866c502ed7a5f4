# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/hyperv.sh, second boot (busybox sh -e, helpers
# from scripts/vm-guest-lib.sh): fail-closed through the hyperv transport.
# The emulated VTL1 answers LoadKData with -EINVAL after ProtectMemory
# succeeded: the production heki_vtl0 stays loaded, fail-closed, and
# refuses every module and kexec load; no write Hyper-V would refuse.

S=/sys/kernel/heki
E=/sys/kernel/debug/heki_hvemu
P=/sys/module/heki_hvemu/parameters
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null || true

t "heki_hvemu loads" insmod /heki_hvemu.ko
echo 0x1ffe5 >$P/answer_func		# LOAD_KDATA
echo 0xffffffffffffffea >$P/answer	# -EINVAL, a documented errno
t "LoadKData answered -EINVAL: heki_vtl0 transport=hyperv loads" \
	insmod /heki_vtl0.ko transport=hyperv vtl1_ready=1 certs=heki/test-certs.der
echo 0 >$P/answer_func
t "  transport hyperv" grep -qx hyperv $S/transport
t "  protect_kernel ok, load_kdata failed (-22)" \
	sh -c "grep -q '^ok ' $S/boot/protect_kernel && grep -qx 'failed -22' $S/boot/load_kdata"
t "  state fail-closed, reason shown" \
	sh -c "grep -qx fail-closed $S/state && grep -q '^boot step failed (-22) after kernel text was protected' $S/reason"
t "  signed module refused (EPERM)" insmod_refused /heki_test_mod.ko "Operation not permitted"
t "  kexec_file_load refused (EPERM)" sh -c '/kexec-load /vmlinuz | grep -q "errno 1 "'
t "  ftrace hooks kept" sh -c "grep -q '^load_module' $T/enabled_functions && grep -q '^kimage_file_post_load_cleanup' $T/enabled_functions"
t "  rmmod refused" fails rmmod heki_vtl0
t "no contract violation" sh -c "grep -qx 'violations 0' $E/stats"
