# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest helpers of the xframes measurement (tests/vm/wouldfault.sh, second
# boot): the test build's debugfs heki/xframes (kmod/xframes.c) read at one
# moment, its totals printed as "# xframes PHASE: ..." lines, and what must
# hold at every moment: no page the kernel maps executable has a frame
# VTL1 holds without kernel execute.

XF=/sys/kernel/debug/heki/xframes
# xf_field PHASE NAME: a value of the "x_pages ..." line.
xf_field() {
	awk -v k="$2" '$1 == "x_pages" { for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "/tmp/xf.$1"
}
# xf_owner PHASE OWNER STATUS: executable pages of OWNER with STATUS (0 if none).
xf_owner() {
	awk -v o="$2" -v s="$3" '$1 == "total" && $2 == o && $3 == s { n = $4 } END { print n + 0 }' "/tmp/xf.$1"
}
# xf_none PHASE: executable pages whose frame VTL1 never protected.
xf_none() { xf_field "$1" none; }
# xframes PHASE: read the view into /tmp/xf.PHASE, report and check it.
xframes() {
	cat $XF >"/tmp/xf.$1"
	grep -E '^(total|x_pages) ' "/tmp/xf.$1" | sed "s/^/# xframes $1: /"
	t "xframes $1: the walk found executable pages" test "$(xf_field "$1" x_pages)" -gt 0
	t "xframes $1: no executable mapping of a frame VTL1 holds without kernel execute" \
		test "$(xf_field "$1" vtl1_nx)" = 0
}
# xf_covers PHASE ADDR STATUS: ADDR (16 hex digits, as /proc/kallsyms
# prints it) lies in an executable run of PHASE with STATUS. Kernel
# addresses have 16 digits in both, so they compare as strings.
xf_covers() {
	awk -v a="0x$2" -v s="$3" '$1 == "x" && $4 == s {
			split($2, r, "-")
			if ((a "") >= (r[1] "") && (a "") < (r[2] "")) f = 1
		}
		END { exit !f }' "/tmp/xf.$1"
}
