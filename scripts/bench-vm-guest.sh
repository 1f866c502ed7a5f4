# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of scripts/bench-vm.sh (busybox sh -e). Prints "BENCH: " lines.

D=/sys/kernel/debug/heki
KMOD=/lib/modules/$(uname -r)/kernel
out() { echo "BENCH: $*"; }
bad=0

# col FUNCTION COLUMN: one value of debugfs heki/stats, columns by header.
col() {
	awk -v f="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$1 == f { print $(h[c]) }' $D/stats
}
FUNCS="LOCK_REGS PROTECT_MEMORY LOAD_KDATA SIGNAL_END_OF_BOOT VALIDATE_MODULE FREE_MODULE_INIT UNLOAD_MODULE"
snap() { for f in $FUNCS; do echo "$f $(col "$f" calls) $(col "$f" ranges) $(col "$f" pages)"; done; }
# delta OP BEFORE-FILE: print the VTL calls an operation made; check the
# chain page count of every chain-carrying call.
delta() {
	snap >/tmp/after
	awk -v op="$1" 'NR == FNR { c[$1] = $2; r[$1] = $3; p[$1] = $4; next }
		{ dc = $2 - c[$1]; dr = $3 - r[$1]; dp = $4 - p[$1]
		  if (dc > 0) {
			line = line sprintf(" %s x%d", $1, dc)
			if (dr > 0) {
				want = int((dr + 126) / 127)
				line = line sprintf(" (%d ranges, %d chain pages%s)", dr, dp,
					dp == want * dc || (dc == 1 && dp == want) ? "" : " EXPECTED " want)
				if (dc == 1 && dp != want) bad = 1
			}
		  } }
		END { printf "%-34s%s\n", op ":", line; exit bad }' "$2" /tmp/after
}

# expect_op LINE PATTERN: the calls after "op:" match the glob PATTERN
# as a whole (exactly these calls, nothing else).
expect_op() {
	_calls=$(echo "${1#*:}" | sed 's/^ *//')
	# shellcheck disable=SC2254 # PATTERN is a glob on purpose
	case "$_calls" in $2) ;; *) out "  ^ expected exactly: $2"; bad=1 ;; esac
}
# run_op LABEL EXPECTED CMD...: run CMD, print and check its VTL calls.
run_op() {
	_label=$1 _want=$2
	shift 2
	snap >/tmp/before
	"$@"
	_line=$(delta "$_label" /tmp/before) || bad=1
	out "$_line"
	expect_op "$_line" "$_want"
}

# timestamp of the last kernel log line containing MARK (seconds)
kts() { dmesg | grep -F "$1" | tail -n 1 | sed 's/^\[ *\([0-9.]*\)\].*/\1/'; }
# sample LABEL KO NAME COUNT: COUNT insmod times (us) appended to
# /tmp/samples.LABEL.NAME, each from kernel log timestamps around insmod.
sample() {
	i=0
	while [ $i -lt "$4" ]; do
		echo "heki-bench $1 $3 $i start" >/dev/kmsg
		insmod "$2"
		echo "heki-bench $1 $3 $i end" >/dev/kmsg
		rmmod "$3"
		s=$(kts "heki-bench $1 $3 $i start")
		e=$(kts "heki-bench $1 $3 $i end")
		awk -v s="$s" -v e="$e" 'BEGIN { printf "%d\n", (e - s) * 1000000 }' >>"/tmp/samples.$1.$3"
		i=$((i + 1))
	done
}
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

set -- /heki_test_mod.ko:heki_test_mod
for m in $DEBIAN_MODS; do
	n=$(basename "$m" .ko)
	set -- "$@" "$KMOD/$m:$n"
done

for spec in "$@"; do
	insmod "${spec%%:*}" && rmmod "${spec##*:}"	# warm the page cache
done

# Timing: ROUNDS rounds of (K loads without heki_vtl0, load heki_vtl0 with
# protect_kernel=0 so that it may unload again, K loads with it, unload it),
# so that drift over the run hits both sides;
# the test key is unknown to the kernel, which only taints. Medians.
ROUNDS=4
K=$(((BENCH_N + ROUNDS - 1) / ROUNDS))
r=0
# settle: let deferred work of the last (un)load finish, then one untimed
# load of each module.
settle() {
	sleep 1
	for spec in "$@"; do insmod "${spec%%:*}" && rmmod "${spec##*:}"; done
}
while [ $r -lt $ROUNDS ]; do
	settle "$@"
	for spec in "$@"; do sample plain "${spec%%:*}" "${spec##*:}" $K; done
	insmod $HEKI_KO $HEKI_ARGS protect_kernel=0 certs=heki/bench-certs.der
	settle "$@"
	for spec in "$@"; do sample heki "${spec%%:*}" "${spec##*:}" $K; done
	rmmod $HEKI_MOD
	r=$((r + 1))
done
out ""
out "insmod time, median of $((ROUNDS * K)) loads per column, $ROUNDS interleaved rounds in one VM boot"
out "(QEMU TCG on a shared host: read the ratio, not the absolute times):"
out "$(printf '  %-14s %16s %16s %8s' module "without heki_vtl0" "with (loopback)" ratio)"
for spec in "$@"; do
	n=${spec##*:}
	p=$(median "/tmp/samples.plain.$n")
	w=$(median "/tmp/samples.heki.$n")
	ratio=$(awk -v w="$w" -v p="$p" 'BEGIN { printf "%.2f", w / p }')
	out "$(printf '  %-14s %13d us %13d us %7sx' "$n" "$p" "$w" "$ratio")"
done

# Last: every boot step on (kernel text protected: no unload after this).
echo "heki-bench load" >/dev/kmsg
: >/tmp/before
for f in $FUNCS; do echo "$f 0 0 0" >>/tmp/before; done
insmod $HEKI_KO $HEKI_ARGS certs=heki/bench-certs.der
ncpu=$(grep -c ^processor /proc/cpuinfo)
out "VTL calls per logical operation ($ncpu CPUs; chain pages must be ceil(ranges/127)):"
line=$(delta "  insmod heki_vtl0 (boot steps)" /tmp/before) || bad=1
out "$line"
expect_op "$line" "LOCK_REGS x$ncpu PROTECT_MEMORY x1 (* ranges, * chain pages) LOAD_KDATA x1 (* ranges, * chain pages) SIGNAL_END_OF_BOOT x1"

for spec in "$@"; do
	ko=${spec%%:*}
	n=${spec##*:}
	size=$(wc -c <"$ko")
	run_op "  insmod $n ($((size / 1024)) KiB)" \
		"VALIDATE_MODULE x1 (* ranges, * chain pages) FREE_MODULE_INIT x1" \
		insmod "$ko"
	run_op "  rmmod $n" "UNLOAD_MODULE x1" rmmod "$n"
done

out ""
[ $bad -eq 0 ] || { out "FAILED: a call count or chain page count is not as expected"; exit 1; }
echo "BENCH-DONE"
