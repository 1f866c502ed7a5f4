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
snap() { for f in $FUNCS; do echo "$f $(col $f calls) $(col $f ranges) $(col $f pages)"; done; }
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
# time_insmod LABEL KO NAME: mean insmod time over BENCH_N loads, in µs
time_insmod() {
	i=0
	total=0
	while [ $i -lt "$BENCH_N" ]; do
		echo "heki-bench $1 $i start" >/dev/kmsg
		insmod "$2"
		echo "heki-bench $1 $i end" >/dev/kmsg
		rmmod "$3"
		s=$(kts "heki-bench $1 $i start")
		e=$(kts "heki-bench $1 $i end")
		total=$(awk -v t="$total" -v s="$s" -v e="$e" 'BEGIN { printf "%d", t + (e - s) * 1000000 }')
		i=$((i + 1))
	done
	echo $((total / BENCH_N))
}

set -- /heki_test_mod.ko:heki_test_mod
for m in $DEBIAN_MODS; do
	n=$(basename "$m" .ko)
	set -- "$@" "$KMOD/$m:$n"
done

# Without heki_vtl0 first (the test key is unknown to the kernel: it only taints).
for spec in "$@"; do
	ko=${spec%%:*}
	n=${spec##*:}
	insmod "$ko" && rmmod "$n"	# warm the page cache
	eval "plain_$n=$(time_insmod "plain-$n" "$ko" "$n")"
done

echo "heki-bench load" >/dev/kmsg
: >/tmp/before
for f in $FUNCS; do echo "$f 0 0 0" >>/tmp/before; done
insmod /heki_vtl0.ko transport=loopback certs=heki/bench-certs.der
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
for spec in "$@"; do
	ko=${spec%%:*}
	n=${spec##*:}
	eval "with_$n=$(time_insmod "heki-$n" "$ko" "$n")"
done
rmmod heki_vtl0
# Without heki_vtl0 again, so that drift over the run cancels out.
for spec in "$@"; do
	ko=${spec%%:*}
	n=${spec##*:}
	eval "plain2_$n=$(time_insmod "plain2-$n" "$ko" "$n")"
done
out "insmod time, mean of $BENCH_N loads per column, one VM boot (QEMU TCG: read the ratio, not the absolute times):"
out "$(printf '  %-14s %14s %16s %14s %8s' module "without (before)" "with heki_vtl0" "without (after)" ratio)"
for spec in "$@"; do
	n=${spec##*:}
	eval "p1=\$plain_$n w=\$with_$n p2=\$plain2_$n"
	ratio=$(awk -v w="$w" -v a="$p1" -v b="$p2" 'BEGIN { printf "%.2f", 2 * w / (a + b) }')
	out "$(printf '  %-14s %13d us %13d us %13d us %7sx' "$n" "$p1" "$w" "$p2" "$ratio")"
done
[ $bad -eq 0 ] || { out "FAILED: a call count or chain page count is not as expected"; exit 1; }
echo "BENCH-DONE"
