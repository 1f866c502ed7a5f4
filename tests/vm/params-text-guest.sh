# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/params.sh, second boot: validate_modules=0 with
# kernel text protected (the default protect_kernel=1) still routes the
# kernel's text patching through VTL1 (review finding F8): the static
# call and jump label hooks are installed, only the module hooks are not;
# so is the delete_module guard (finding F3): once heki_vtl0 is
# fail-closed (rmmod -f), no module may unload.
# Last in its boot: with kernel text protected heki_vtl0 stays loaded.

D=/sys/kernel/debug/heki
S=/sys/kernel/heki
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null || true
ftraced() { grep -q "^$1" $T/enabled_functions; }

t "validate_modules=0 protect_kernel=1: loads" \
	insmod "$HEKI_KO" transport=loopback certs=heki/test-certs.der validate_modules=0
t "  kernel text protected" grep -qE "^protect_kernel +ok( |$)" $D/boot
t "  validation off" sh -c "grep -qx 'validation: off' $D/modules"
t "  no hook on load_module" sh -c "! grep -q '^load_module' $T/enabled_functions"
t "  static call updates routed through PatchText (hook on)" grep -qx on $S/static_calls/hook
t "  arch_static_call_transform hooked" ftraced arch_static_call_transform
t "  jump label updates routed through PatchText (hook on)" grep -qx on $S/jump_labels/hook
t "  delete_module hooked (the unload guard)" ftraced __x64_sys_delete_module
t "  its i386 entry hooked too (int \$0x80)" ftraced __ia32_sys_delete_module
t "an unvalidated module loads (validation off)" insmod /heki_test_mod-unsigned.ko
rmmod -f "$(basename "$HEKI_KO" .ko)" >/tmp/rmmod-f.log 2>&1 &
sleep 3
t "rmmod -f heki_vtl0: fail-closed" grep -qx fail-closed $S/state
unload_busy() {
	if rmmod heki_test_mod 2>/tmp/rmmod.err; then
		echo "# rmmod heki_test_mod succeeded"
		return 1
	fi
	sed 's/^/# /' /tmp/rmmod.err
	grep -q "resource busy" /tmp/rmmod.err && grep -q "^heki_test_mod " /proc/modules
}
t "  rmmod heki_test_mod refused (EBUSY), still loaded" unload_busy
t "  counted" grep -qx 1 $S/modules/unloads_refused
