# SPDX-License-Identifier: GPL-2.0-only OR MIT
# shellcheck shell=bash
#
# kernel.sh - pick one kernel of the matrix in a test script (source it from
# bash, from the repository root).
#
#   The VM suites take the kernel from HEKI_KERNEL (default bookworm), the
#   oracles as their first argument.
#
#   kernel_select ID
#       ID is a kernel ID of scripts/kernel-env.sh (bookworm, trixie,
#       trixie-cloud, sid), or bookworm-backports: the signed 6.12.95-era
#       image of scripts/fetch-kernel-6.12.sh that the oracles' published
#       6.12 figures were proven on (no headers, no toolchain root).
#       Prepares it and sets:
#         K_ID K_VER K_VMLINUZ K_ROOT (holds lib/modules/K_VER) K_MODDIR
#         K_RULES   the module layout rules VTL1 applies: 6.1, 6.4 or 6.16
#       and exports HEKI_PAHOLE (tests/layout/kprobe_spec.py): the pahole of
#       the kernel's toolchain root, which reads that kernel's BTF.
#       Returns non-zero (message on stderr) if the kernel cannot be had.

kernel_select() {
	local env kroot
	if [ "$1" = bookworm-backports ]; then
		kroot=$(scripts/fetch-kernel-6.12.sh | tail -n 1) || return 1
		K_VER=$(basename "$(ls -d "$kroot"/lib/modules/6.12.* | tail -n 1)")
		[ -s "$kroot/lib/modules/$K_VER/modules.dep" ] ||
			depmod -b "$kroot" "$K_VER" || return 1
		K_ID=$1 K_VMLINUZ=$kroot/boot/vmlinuz-$K_VER K_ROOT=$kroot
		K_MODDIR=$kroot/lib/modules/$K_VER K_RULES=6.4 HEKI_PAHOLE=pahole
		export K_ID K_VER K_VMLINUZ K_ROOT K_MODDIR K_RULES HEKI_PAHOLE
		return 0
	fi
	env=$(scripts/kernel-env.sh "$1") || return 1
	K_ID=$(eval "$env"; echo "$KERNEL_ID")
	K_VER=$(eval "$env"; echo "$KVER")
	K_VMLINUZ=$(eval "$env"; echo "$VMLINUZ")
	K_ROOT=$(eval "$env"; echo "$KROOT")
	K_MODDIR=$(eval "$env"; echo "$MODDIR")
	case $K_VER in
	[1-5].* | 6.[0-3].*) K_RULES=6.1 ;;
	6.[4-9].* | 6.1[0-5].*) K_RULES=6.4 ;;
	*) K_RULES=6.16 ;;
	esac
	HEKI_PAHOLE=pahole
	[ "$K_ID" = bookworm ] || HEKI_PAHOLE="bash scripts/kernel-chroot.sh $K_ID pahole"
	export K_ID K_VER K_VMLINUZ K_ROOT K_MODDIR K_RULES HEKI_PAHOLE
}

#   kernel_kmod ID
#       heki's modules for kernel ID: sets K_KO (heki_vtl0.ko), K_TEST_KO
#       (heki_vtl0_test.ko) and K_SELFTEST_KO. bookworm: the tree's own
#       build (make); other kernels: scripts/kmod-build.sh ID, run here
#       (incremental). Returns non-zero if the build fails (log on stderr).
kernel_kmod() {
	local kb
	if [ "$1" = bookworm ]; then
		kb=$(scripts/kmod-build.sh --print bookworm) || return 1
	else
		kb=$(scripts/kmod-build.sh "$1") || return 1
	fi
	K_KO=$(eval "$kb"; echo "$KO")
	K_TEST_KO=$(eval "$kb"; echo "$TEST_KO")
	K_SELFTEST_KO=$(eval "$kb"; echo "$SELFTEST_KO")
	export K_KO K_TEST_KO K_SELFTEST_KO
}
