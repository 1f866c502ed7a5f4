# SPDX-License-Identifier: GPL-2.0-only OR MIT
# shellcheck shell=bash disable=SC2034,SC2154
#
# lib.sh - helpers of the heki-verify suites (run.sh, kernels.sh), sourced
# after $hv (the heki-verify binary) and $d (the run's directory) are set;
# hv sets $rc for the caller.

# hv NAME ARGS...: run heki-verify, output in $d/NAME.out/.err, status in $rc
hv() {
	local name=$1
	shift
	"$hv" "$@" >"$d/$name.out" 2>"$d/$name.err"
	rc=$?
}

# line NAME TEXT: the output of run NAME has the exact line TEXT
line() {
	grep -qxF -- "$2" "$d/$1.out"
}
