# SPDX-License-Identifier: GPL-2.0-only OR MIT
# shellcheck shell=bash
#
# verdicts.sh - VM suites that ask heki-verify (issue 13 item 4) on the host
# what VTL1 answered in the guest (tests/vm/e2e.sh for modules,
# tests/vm/kexec.sh for kernel images). The guest prints one line per load,
#   # heki-verdict CASE [FILE] accepted
#   # heki-verdict CASE [FILE] refused REASON (words)
# with VTL1's reason as its log line gives it; heki-verify run on the same
# file with the same lists must say the same. Sourced after
# tests/lib/ktap.sh.

# vm_relay OUT: print scripts/vm-run.sh's output OUT without its closing
# counts and add those to this suite's (ktap_merge), so that results the
# host adds after the guest's continue its numbering.
vm_relay() {
	local n=1
	[[ $(tail -n 2 "$1" | head -n 1) != "# "*" skipped" ]] || n=2
	head -n -$n "$1"
	ktap_merge "$1" "the guest's results"
	KTAP_N=$((KTAP_PASS + KTAP_FAIL + KTAP_SKIP))
}

# guest_verdict LOG KEY: the verdict the guest printed for KEY ("CASE" or
# "CASE FILE"), "accepted" or "refused REASON (words)"; empty if none.
guest_verdict() {
	sed -n "s|^# heki-verdict $2 ||p" "$1" | tr -d '\r' | head -n 1
}

# hv_verdict FILE OUT: heki-verify's verdict on FILE in its output OUT, in
# the guest's form ("? LINE" when it has none).
hv_verdict() {
	local line
	line=$(awk -v f="$1" '$2 == f || $2 == f ":"' "$2" | head -n 1)
	case $line in
	"accepted $1") echo accepted ;;
	# "refused  FILE: signature: REASON (words)" (or authenticode:)
	"refused  $1: "*) line=${line#"refused  $1: "}; echo "refused ${line#*: }" ;;
	*) echo "? $line" ;;
	esac
}

# same_verdict NAME VM HV: one result, heki-verify's verdict HV is VTL1's VM.
same_verdict() {
	if [ -n "$2" ] && [ "$2" = "$3" ]; then
		result 1 "$1: $3, as VTL1 in the guest"
	else
		echo "# VTL1: '$2'"
		echo "# heki-verify: '$3'"
		result 0 "$1: as VTL1 in the guest"
	fi
}
