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

#   kernel_prepare SUITE [ID]
#       The start every VM suite shares (source tests/lib/ktap.sh first).
#       Defines fail_setup MSG: the suite cannot run, one failed result
#       "SUITE setup: MSG" and exit (ktap_bail). Makes OUT, the run's
#       private directory build/vm/SUITE.XXXXXX (several make check runs may
#       share the tree), removed on exit. Sets KID: ID, or for suites that
#       run on any kernel of the matrix HEKI_KERNEL (default bookworm); runs
#       kernel_select and kernel_kmod for it (their logs in OUT, their last
#       lines in the failure) and sets K_EMU, the emulated hypervisor
#       heki_hvemu.ko built for that kernel. A suite boots KID with
#       scripts/vm-run.sh -E "$KID" (bookworm: the host's own kernel).
kernel_prepare() {
	local suite=$1
	eval "fail_setup() { ktap_bail \"$suite setup: \$*\"; }"
	mkdir -p build/vm
	OUT=$(mktemp -d "build/vm/$suite.XXXXXX") || fail_setup "mktemp"
	# shellcheck disable=SC2064 # OUT is fixed now
	trap "rm -rf '$OUT'" EXIT
	KID=${2:-${HEKI_KERNEL:-bookworm}}
	kernel_select "$KID" 2>"$OUT/kernel-env.log" ||
		fail_setup "scripts/kernel-env.sh $KID: $(tail -n 1 "$OUT/kernel-env.log")"
	kernel_kmod "$KID" 2>"$OUT/kmod-build.log" ||
		fail_setup "scripts/kmod-build.sh $KID: $(tail -n 3 "$OUT/kmod-build.log")"
	K_EMU=$(dirname "$(dirname "$K_KO")")/tests/hvemu/heki_hvemu.ko
}

#   kernel_variant [KO]
#       The module a suite loads, by HEKI_VARIANT (after kernel_prepare):
#       loopback (default): KO or K_TEST_KO, the test build; hyperv: KO or
#       K_KO, the production build on the emulated Hyper-V (K_EMU). Sets
#       VARIANT and KO; fail_setup if a module is missing.
kernel_variant() {
	VARIANT=${HEKI_VARIANT:-loopback}
	case $VARIANT in
	loopback) KO=${1:-$K_TEST_KO} ;;
	hyperv)
		KO=${1:-$K_KO}
		[ -f "$K_EMU" ] || fail_setup "$K_EMU is not built (run make)" ;;
	*) fail_setup "HEKI_VARIANT is loopback or hyperv, not '$VARIANT'" ;;
	esac
	[ -f "$KO" ] || fail_setup "$KO is not built (run make)"
}
