#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# vm-run.sh - boot Debian's stock kernel in QEMU (TCG) with a busybox
# initramfs, copy files in, run a guest shell script, and judge the run.
#
# Usage: scripts/vm-run.sh [options] GUEST_SCRIPT
#   -f FILE        copy FILE into the guest's / (repeatable)
#   -F SRC:DEST    copy SRC to the absolute guest path DEST, creating parent
#                  directories (e.g. -F certs.der:/lib/firmware/heki/certs.der)
#   -M MODULE      copy a module of the booted kernel from /lib/modules/<kver>/
#                  (path relative to that directory or to its kernel/, e.g.
#                  -M lib/test_user_copy.ko) to the same guest path, a
#                  compressed one (.ko.xz, .ko.zst) uncompressed; the guest
#                  then has modules.dep, so `modprobe test_user_copy` works
#   -e NAME=VALUE  export NAME in the guest script's environment (repeatable)
#   -m MARKER      fixed string that must appear in the log (repeatable)
#   -x REGEX       extended regex that must not appear in the log (repeatable)
#   -K             KTAP mode: count the guest's top-level `ok N` / `not ok N`
#                  lines and end with `N passed, N failed`
#   -W             would-fault events are what the suite measures: report
#                  them, do not fail on them (the detector's own suite and
#                  the workload suite; see "Would-fault detector" below)
#   -X ERE         would-fault events under a kernel path matching ERE are
#                  expected (a documented limit): reported, not failing;
#                  any other event still fails the run
#   -k VMLINUZ     kernel image (default: newest /boot/vmlinuz-*-amd64)
#   -E ID          boot kernel ID of scripts/kernel-env.sh (bookworm, trixie,
#                  trixie-cloud, sid): its signed vmlinuz, and -M takes that
#                  kernel's own modules (prepared on first use)
#   -a ARGS        extra kernel command line
#   -t SECONDS     QEMU timeout (default 180)
#   -l LOG         serial log path (default build/vm/<guest script name>.log)
#   -I INITRD      boot this initramfs (e.g. one update-initramfs built) and
#                  put the guest tree on an ext4 virtio disk it mounts as the
#                  root (root=/dev/vda init=/init); the tree's /init runs after
#                  the initramfs's own, with /dev, /proc and /sys it mounted
# Environment: QEMU_MEM (default 512M), QEMU_SMP (default 1), KAPPEND,
# QEMU_CPU (a -cpu model, e.g. EPYC; default QEMU's own), VM_ALLOW (ERE of
# kernel log lines not to count as problems), QEMU_TCG_THREAD (default
# single: every vCPU in one host thread; "multi" is QEMU's own default,
# which loses guests that patch kernel text: Documentation/kmod.rst, CI
# matrix).
#
# The guest script runs under busybox `sh -e` with PATH=/bin and these helpers
# (scripts/vm-guest-lib.sh):
#   t NAME CMD...       run CMD, print KTAP `ok N NAME` or `not ok N NAME`
#   fails CMD...        succeed only if CMD fails (t "refused" fails insmod x.ko)
#   dmesg_has STRING    the kernel log contains STRING
#   ktap_from_dmesg [PREFIX]
#                       copy the KTAP lines a self-test module printed to the
#                       kernel log (PREFIX, e.g. "heki_selftest: ", is removed)
#                       to the console, where they are counted
#   skip NAME REASON    print `ok N NAME # SKIP REASON` (counted as neither)
#   heki_preload        run $HEKI_PRELOAD (if set) before the first load of
#                       the module under test
#   heki_loaded         the module under test is loaded; it is $HEKI_KO (guest
#                       path), $HEKI_MOD (name), $HEKI_ARGS (transport
#                       arguments), by default the test build with the
#                       loopback transport (override with -e)
# The log, including a dump of the full kernel log, is kept at LOG.
#
# Verdict: the run fails if QEMU times out or crashes, the guest script exits
# non-zero, a marker is missing, a forbidden pattern appears, the kernel
# reports a problem (panic, BUG, Oops, WARNING, Call Trace, UBSAN, KASAN,
# lockups; panic_on_warn=1 and oops=panic end the VM at once; a guest still
# running 30 s before the timeout gets an NMI and panics with every CPU's
# backtrace, scripts/qemu-nmi.py), any top-level
# `not ok` appears, (with -K) no test result appears at all, or the
# would-fault detector objects (below).
#
# Would-fault detector (kmod/wouldfault, in every in-kernel VTL1: the test
# build's loopback and the emulated hypervisor tests/hvemu): after the guest
# script, /init asks it for a last check if one is running. The run fails
# on any would-fault event (a write Hyper-V would have refused; not with
# -W; with -X, on any event outside the expected kernel paths), on a detector that could not track a protected frame, on a detector
# that was armed but never checked, and on a contract violation reported by
# the emulated hypervisor.
# Exit: 0 pass, 1 fail, 2 usage or setup error, 124 timeout.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KERNEL=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
TIMEOUT=180 LOG='' KTAP=0 APPEND=${KAPPEND:-}
FILES=() PLACED=() MODULES=() ENVS=() MARKERS=() FORBID=()

usage() {
	sed -n '/^# Usage:/,/^# Exit:/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

MEASURE_WF=0 INITRD='' WF_EXPECT=''
KERNEL_ID=
while getopts "f:F:M:e:m:x:KWX:k:E:a:t:l:I:h" o; do
	case $o in
	f) FILES+=("$OPTARG") ;;
	F) PLACED+=("$OPTARG") ;;
	M) MODULES+=("$OPTARG") ;;
	e) ENVS+=("$OPTARG") ;;
	m) MARKERS+=("$OPTARG") ;;
	x) FORBID+=("$OPTARG") ;;
	K) KTAP=1 ;;
	W) MEASURE_WF=1 ;;
	X) WF_EXPECT=$OPTARG ;;
	k) KERNEL=$OPTARG ;;
	E) KERNEL_ID=$OPTARG ;;
	a) APPEND="$APPEND $OPTARG" ;;
	t) TIMEOUT=$OPTARG ;;
	l) LOG=$OPTARG ;;
	I) INITRD=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
GUEST_SCRIPT=$1

die() { echo "vm-run: $*" >&2; exit 2; }

[ -r "$GUEST_SCRIPT" ] || die "guest script not readable: $GUEST_SCRIPT"
MODROOT=
if [ -n "$KERNEL_ID" ]; then
	kenv=$("$ROOT/scripts/kernel-env.sh" "$KERNEL_ID") ||
		die "kernel $KERNEL_ID could not be prepared"
	KERNEL=$(eval "$kenv"; echo "$VMLINUZ")
	KVER=$(eval "$kenv"; echo "$KVER")
	MODROOT=$(eval "$kenv"; echo "$KROOT")
fi
[ -r "$KERNEL" ] || die "kernel image not readable: '$KERNEL' (run scripts/setup.sh)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (run scripts/setup.sh)"
BUSYBOX=$(command -v busybox || echo /bin/busybox)
# The initramfs has no libc: busybox must be the static build.
if readelf -l "$BUSYBOX" 2>/dev/null | grep -q INTERP; then
	die "$BUSYBOX is dynamically linked; install busybox-static"
fi

# Debian names the image /boot/vmlinuz-<release>; modules must match it.
case $KERNEL in
*/vmlinuz-*) KVER=${KVER-${KERNEL##*/vmlinuz-}} ;;
*) KVER=${KVER:-} ;;
esac

check_vermagic() {
	local vm
	[ -n "$KVER" ] || return 0
	vm=$(modinfo -F vermagic "$1" 2>/dev/null | cut -d' ' -f1)
	[ "$vm" = "$KVER" ] || die "$1: vermagic '$vm' does not match kernel $KVER"
}

if [ -z "$LOG" ]; then
	name=$(basename "$GUEST_SCRIPT")
	LOG=$ROOT/build/vm/${name%.sh}.log
fi
mkdir -p "$(dirname "$LOG")"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vm-run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
R=$WORK/root
mkdir -p "$R/bin" "$R/dev" "$R/proc" "$R/sys" "$R/tmp" "$R/lib" "$R/etc"
cp "$BUSYBOX" "$R/bin/busybox"
for a in $("$BUSYBOX" --list); do
	# busybox lists itself; a link named busybox would replace the binary.
	[ "$a" = busybox ] || ln -s busybox "$R/bin/$a"
done

for f in "${FILES[@]}"; do
	[ -r "$f" ] || die "file not readable: $f"
	case $f in *.ko) check_vermagic "$f" ;; esac
	cp "$f" "$R/"
done
for spec in "${PLACED[@]}"; do
	src=${spec%%:*} dest=${spec#*:}
	[ "$src" != "$spec" ] && [ "${dest#/}" != "$dest" ] ||
		die "-F wants SRC:/absolute/guest/path, got '$spec'"
	[ -r "$src" ] || die "file not readable: $src"
	case $src in *.ko) check_vermagic "$src" ;; esac
	case $dest in */) dest=$dest$(basename "$src") ;; esac
	mkdir -p "$R$(dirname "$dest")"
	cp "$src" "$R$dest"
done
if [ ${#MODULES[@]} -gt 0 ]; then
	[ -n "$KVER" ] || die "-M needs KVER= when the kernel is not /boot/vmlinuz-<release>"
	MODDIR=/lib/modules/$KVER
	SRCDIR=${MODROOT%/}$MODDIR
	for m in "${MODULES[@]}"; do
		# Debian compresses modules from 6.12 on (.ko.xz): the guest
		# gets them uncompressed, as signed, under the .ko name.
		rel=
		for c in "$m" "kernel/$m" "$m.xz" "kernel/$m.xz" "$m.zst" "kernel/$m.zst"; do
			[ -f "$SRCDIR/$c" ] && { rel=$c; break; }
		done
		[ -n "$rel" ] || die "no module $m under $SRCDIR or $SRCDIR/kernel"
		dst=$R$MODDIR/${rel%.ko*}.ko
		mkdir -p "$(dirname "$dst")"
		case $rel in
		*.xz) xz -dc "$SRCDIR/$rel" > "$dst" ;;
		*.zst) zstd -qdc "$SRCDIR/$rel" > "$dst" ;;
		*) cp "$SRCDIR/$rel" "$dst" ;;
		esac
	done
	for meta in modules.order modules.builtin modules.builtin.modinfo; do
		[ ! -f "$SRCDIR/$meta" ] || cp "$SRCDIR/$meta" "$R$MODDIR/"
	done
	depmod -b "$R" "$KVER" || die "depmod failed for the guest's modules"
fi

cp "$ROOT/scripts/vm-guest-lib.sh" "$R/lib/vm-guest-lib.sh"
cp "$GUEST_SCRIPT" "$R/test.sh"
: > "$R/etc/test.env"
for kv in "${ENVS[@]}"; do
	k=${kv%%=*} v=${kv#*=}
	[[ $k =~ ^[A-Za-z_][A-Za-z0-9_]*$ && $k != "$kv" ]] || die "-e wants NAME=VALUE, got '$kv'"
	printf "export %s='%s'\n" "$k" "${v//\'/\'\\\'\'}" >> "$R/etc/test.env"
done

cat > "$R/init" <<'INIT'
#!/bin/sh
export PATH=/bin
# After an initramfs (-I), /dev, /proc and /sys are already mounted here.
[ -c /dev/null ] || mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
[ -e /proc/self ] || mount -t proc proc /proc
[ -d /sys/kernel ] || mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
echo "@@GUEST-START@@"
sh -e -c '. /etc/test.env; . /lib/vm-guest-lib.sh; . /test.sh'
rc=$?
echo "@@GUEST-RC=$rc@@"
# The would-fault detector's last check (scripts/vm-run.sh judges it).
if [ -e /sys/kernel/heki_wouldfault/check ]; then
	echo 1 > /sys/kernel/heki_wouldfault/check
	echo "@@WOULDFAULT-SUMMARY-BEGIN@@"
	cat /sys/kernel/heki_wouldfault/summary /sys/kernel/heki_wouldfault/keys
	echo "@@WOULDFAULT-SUMMARY-END@@"
fi
echo "@@DMESG-BEGIN@@"
dmesg
echo "@@DMESG-END@@"
# With -no-reboot, QEMU exits on reboot; this needs no ACPI.
reboot -f
INIT
chmod +x "$R/init"
BOOT=(-initrd "$WORK/initramfs.cpio")
if [ -n "$INITRD" ]; then
	[ -r "$INITRD" ] || die "initramfs not readable: $INITRD"
	mke2fs -q -t ext4 -d "$R" -L heki-guest "$WORK/root.img" 64M >/dev/null ||
		die "mke2fs of the guest root failed (e2fsprogs: run scripts/setup.sh)"
	BOOT=(-initrd "$INITRD" -drive "file=$WORK/root.img,if=virtio,format=raw")
	APPEND="root=/dev/vda rw init=/init $APPEND"
else
	(cd "$R" && find . | cpio -o -H newc -R 0:0 --quiet) > "$WORK/initramfs.cpio"
fi

# quiet keeps printk off the console so guest output is not interleaved; the
# whole kernel log is dumped at the end and judged too. panic=-1 with
# -no-reboot, oops=panic and panic_on_warn=1 end QEMU at the first problem.
# A guest still running NMI_GRACE seconds before the timeout gets an NMI
# (scripts/qemu-nmi.py): with unknown_nmi_panic=1 panic_print=64 it panics
# and prints every CPU's backtrace, so a hang names its cause.
NMI_GRACE=30
set +e
nmi_pid=
if [ "$TIMEOUT" -gt $((2 * NMI_GRACE)) ]; then
	"$ROOT/scripts/qemu-nmi.py" $((TIMEOUT - NMI_GRACE)) "$WORK/monitor.sock" \
		>"$WORK/nmi.out" 2>&1 &
	nmi_pid=$!
fi
# no_timer_check: on a loaded host a TCG guest with two vCPUs can miss the
# kernel's early IO-APIC timer check and panic at 0.04 s ("IO-APIC + timer
# doesn't work!"), before any of this project's code runs (seen three times
# in one session at load average 24); the check proves nothing here.
timeout -k 5 "$TIMEOUT" qemu-system-x86_64 \
	-accel "tcg,thread=${QEMU_TCG_THREAD:-single}" -m "${QEMU_MEM:-512M}" -smp "${QEMU_SMP:-1}" \
	${QEMU_CPU:+-cpu "$QEMU_CPU"} \
	-nodefaults -display none -serial stdio -no-reboot \
	-monitor "unix:$WORK/monitor.sock,server=on,wait=off" \
	-kernel "$KERNEL" "${BOOT[@]}" \
	-append "console=ttyS0 quiet no_timer_check panic=-1 oops=panic panic_on_warn=1 unknown_nmi_panic=1 panic_print=64 $APPEND" \
	</dev/null 2>&1 | tr -d '\r' > "$LOG"
qrc=${PIPESTATUS[0]}
if [ -n "$nmi_pid" ]; then
	kill "$nmi_pid" 2>/dev/null
	wait "$nmi_pid" 2>/dev/null
	cat "$WORK/nmi.out"
fi
set -e

# Show the guest's part of the log.
sed -n '/^@@GUEST-START@@$/,/^@@GUEST-RC=/p' "$LOG"

problems=0
problem() { echo "# FAIL: $*"; problems=$((problems + 1)); }

if [ "$qrc" -eq 124 ]; then
	problem "QEMU timed out after ${TIMEOUT}s"
elif [ "$qrc" -ne 0 ]; then
	problem "QEMU exited with status $qrc"
fi
guest_rc=$(sed -n 's/^@@GUEST-RC=\([0-9]*\)@@$/\1/p' "$LOG" | tail -n 1)
if [ -z "$guest_rc" ]; then
	problem "the guest script did not finish"
elif [ "$guest_rc" -ne 0 ]; then
	problem "the guest script exited $guest_rc"
fi
for m in "${MARKERS[@]}"; do
	grep -qF -- "$m" "$LOG" || problem "marker missing: $m"
done
for x in "${FORBID[@]}"; do
	grep -qE -- "$x" "$LOG" && problem "forbidden pattern seen: $x"
done
KERNEL_PROBLEMS='Kernel panic|(^|[^A-Za-z_])BUG:|kernel BUG at|Oops:|WARNING:|general protection fault|Call Trace:|UBSAN:|KASAN:|soft lockup|hard LOCKUP|blocked for more than|rcu: INFO:'
# VM_ALLOW: ERE of log lines that match the above but are no problem (e.g.
# a pr_warn notice that contains "WARNING:"), empty by default.
kernel_problems() {
	grep -E -- "$KERNEL_PROBLEMS" "$LOG" | grep -vE -- "${VM_ALLOW:-^$}" || true
}
if [ -n "$(kernel_problems)" ]; then
	problem "the kernel reported a problem:"
	kernel_problems | head -n 5 | sed 's/^/#   /'
fi

# The would-fault detector, judged on the kernel log dump (each line once)
# and on the summary of the last check (the log may have wrapped).
kernel_log() { sed -n '/^@@DMESG-BEGIN@@$/,/^@@DMESG-END@@$/p' "$LOG"; }
wf_summary() { sed -n '/^@@WOULDFAULT-SUMMARY-BEGIN@@$/,/^@@WOULDFAULT-SUMMARY-END@@$/p' "$LOG"; }
wf_armed=$(kernel_log | grep -c 'heki_wouldfault: armed' || true)
wf_last=$(wf_summary | sed -n 's/^events \([0-9]*\)$/\1/p' | tail -n 1)
if [ "$wf_armed" -gt 0 ] || [ -n "$wf_last" ]; then
	wf_lines=$(kernel_log | grep -cE 'heki_wouldfault: would-fault #[0-9]+:' || true)
	echo "# would-fault detector: armed $wf_armed time(s) in the kernel log; ${wf_last:-no} event(s) at the last check; $wf_lines event line(s) logged"
	# With -X: every event of every detector run (the summaries of those
	# that stopped, the last check of the one still running) must be
	# under a kernel path matching ERE.
	wf_total=$(kernel_log | sed -n 's/.*heki_wouldfault: summary (stopped): \([0-9]*\) would-fault events.*/\1/p' |
		awk -v last="${wf_last:-0}" '{ s += $1 } END { print s + last }')
	wf_keys() {
		kernel_log | sed -n 's/.*heki_wouldfault:   \([0-9]* events from #\)/\1/p'
		wf_summary | grep -E '^[0-9]+ events from #' || true
	}
	wf_expected=0
	[ -z "$WF_EXPECT" ] || wf_expected=$(wf_keys | { grep -E -- "$WF_EXPECT" || true; } |
		awk '{ s += $1 } END { print s + 0 }')
	if [ "$MEASURE_WF" = 0 ] && [ "$wf_total" -gt 0 ] && [ "$wf_expected" = "$wf_total" ]; then
		echo "# would-fault detector: all $wf_total event(s) expected (-X):"
		wf_keys | grep -E -- "$WF_EXPECT" | sed 's/^/#   /'
	elif [ "$MEASURE_WF" = 0 ] && { [ "$wf_lines" -gt 0 ] || [ "$wf_total" -gt 0 ]; }; then
		problem "would-fault events: writes Hyper-V would have refused ($wf_expected of $wf_total expected):"
		# sed, not head: with pipefail, a writer killed by SIGPIPE would
		# end the script here (set -e).
		kernel_log | grep -E 'heki_wouldfault: would-fault #' | sed -n 's/^/#   /; 1,5p'
		wf_keys | { grep -vE -- "${WF_EXPECT:-^$}" || true; } | sed -n 's/^/#   /; 1,5p'
	fi
	# Every armed detector reached a summary (its stop or the last check).
	if [ -z "$wf_last" ] && ! kernel_log | awk '/heki_wouldfault: armed/ { open = 1 }
		/heki_wouldfault: summary \(/ { open = 0 } END { exit open }'; then
		problem "the would-fault detector was armed but never checked"
	fi
	# grep reads all its input (no -q): with pipefail, a grep -q that
	# stops early would fail the pipeline on the writer's SIGPIPE.
	if kernel_log | grep 'heki_wouldfault: detector incomplete' >/dev/null || {
		[ -n "$wf_last" ] && ! wf_summary | grep -x 'frames_untracked 0' >/dev/null; }; then
		problem "the would-fault detector could not track every protected frame"
	fi
else
	echo "# would-fault detector: no in-kernel VTL1 ran (nothing VTL1 protected could be written)"
fi
if kernel_log | grep -E 'heki_hvemu: (contract violation|emulation limit)' >/dev/null; then
	problem "the emulated hypervisor reported a broken calling contract:"
	kernel_log | grep -E 'heki_hvemu: (contract violation|emulation limit)' | head -n 3 | sed 's/^/#   /'
fi

# Top-level KTAP results printed by the guest script (the kernel log dump is
# not counted: self-test output reaches the count through ktap_from_dmesg).
results=$(sed -n '/^@@GUEST-START@@$/,/^@@GUEST-RC=/p' "$LOG" |
	grep -E '^(not )?ok [0-9]+' || true)
passed=$(grep -E '^ok [0-9]+' <<<"$results" | grep -cvE '#[[:space:]]*SKIP' || true)
skipped=$(grep -E '^ok [0-9]+' <<<"$results" | grep -cE '#[[:space:]]*SKIP' || true)
failed=$(grep -cE '^not ok [0-9]+' <<<"$results" || true)
[ "$failed" -eq 0 ] || problem "$failed guest test(s) not ok"
if [ "$KTAP" = 1 ] && [ $((passed + failed + skipped)) -eq 0 ]; then
	problem "the guest printed no test results"
fi

if [ "$problems" -eq 0 ]; then
	echo "# PASS ($(basename "$GUEST_SCRIPT"); log: $LOG)"
else
	echo "# --- last lines of the serial log ($LOG) ---"
	tail -n 40 "$LOG" | sed 's/^/# /'
fi
if [ "$KTAP" = 1 ]; then
	echo "# $skipped skipped"
	# Problems beyond the counted `not ok` lines each count as one failure.
	extra=$((problems - (failed > 0 ? 1 : 0)))
	echo "$passed passed, $((failed + extra)) failed"
fi
if [ "$qrc" -eq 124 ]; then exit 124; fi
[ "$problems" -eq 0 ]
