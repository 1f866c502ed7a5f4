# SPDX-License-Identifier: GPL-2.0-only OR MIT
# shellcheck shell=bash
#
# modset.sh - a set of a kernel's modules, dependencies first (source it
# from bash).
#
#   modset_collect BASE KVER DIR NAME...
#       For each NAME (module name as modinfo knows it), put its
#       dependencies and then the module itself, uncompressed, in
#       DIR/NAME.ko, each once; the load order is left in the array
#       MODSET_ORDER. A name that is not a module of KVER is reported and
#       left out. Returns non-zero if a module cannot be copied.

MODSET_ORDER=()
declare -A MODSET_SEEN=()

modset_add() {	# modset_add BASE KVER DIR NAME
	local f dep name
	f=$(modinfo -b "$1" -k "$2" -n "$4" 2>/dev/null) || return 1
	case $f in /*) ;; *) return 1 ;; esac
	name=$(basename "$f")
	name=${name%.xz}
	name=${name%.ko}
	[ -z "${MODSET_SEEN[$name]:-}" ] || return 0
	MODSET_SEEN[$name]=1
	for dep in $(modinfo -b "$1" -k "$2" -F depends "$f" | tr , ' '); do
		modset_add "$1" "$2" "$3" "$dep" || return 1
	done
	case $f in
	*.xz) xz -dc "$f" > "$3/$name.ko" || return 1 ;;
	*) cp "$f" "$3/$name.ko" || return 1 ;;
	esac
	MODSET_ORDER+=("$name")
}

modset_collect() {
	local base=$1 kver=$2 dir=$3 m
	shift 3
	for m in "$@"; do
		modset_add "$base" "$kver" "$dir" "$m" ||
			echo "# $m: not a module of $kver, left out"
	done
}
