# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# kernel-lib.sh - helpers shared by scripts/kernel-env.sh and
# scripts/kernel-chroot.sh (sourced, not run). ROOT is the repository.
#
#   kernel_id_parse ID      KSUITE and KFLAVOUR of a kernel ID (not bookworm)
#   kernel_ids              every kernel ID, one a line
#   kernel_dir ID           build/kernels/ID
#   kernel_chroot SUITE     the suite's toolchain root, build/kernels/chroot-SUITE
#   kernel_cache            the deb cache (HEKI_CACHE), created
#   kapt_init SUITE         private apt configuration for SUITE (KAPT options)
#   kapt_update             apt-get update, at most once a day
#   kapt_depends PKG        PKG's direct dependencies, one a line
#   kapt_fetch PKG          PKG's .deb path (downloaded into the cache once)
#   kconfig_cc_text KDIR    CONFIG_CC_VERSION_TEXT of a headers tree
#   kconfig_cc_name TEXT    the compiler command that text names

MIRROR=${HEKI_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${HEKI_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

kernel_ids() { printf '%s\n' bookworm trixie trixie-cloud sid; }

kernel_id_parse() {
	case $1 in
	trixie) KSUITE=trixie KFLAVOUR=amd64 ;;
	trixie-cloud) KSUITE=trixie KFLAVOUR=cloud-amd64 ;;
	sid) KSUITE=sid KFLAVOUR=amd64 ;;
	*) return 1 ;;
	esac
}

kernel_dir() { echo "$ROOT/build/kernels/$1"; }
kernel_chroot() { echo "$ROOT/build/kernels/chroot-$1"; }

kernel_cache() {
	local c
	if [ -n "${HEKI_CACHE:-}" ]; then c=$HEKI_CACHE
	elif [ "$(id -u)" -eq 0 ]; then c=/var/cache/heki
	else c=${XDG_CACHE_HOME:-$HOME/.cache}/heki
	fi
	mkdir -p "$c/debs/partial"
	echo "$c"
}

# The sources of a suite: the release, its updates and security fixes
# (trixie), or unstable alone.
kapt_sources() {
	local s="[signed-by=$KEYRING]"
	case $1 in
	sid) echo "deb $s $MIRROR sid main" ;;
	*)
		echo "deb $s $MIRROR $1 main"
		echo "deb $s $MIRROR $1-updates main"
		echo "deb $s $SECURITY_MIRROR $1-security main"
		;;
	esac
}

kapt_init() {
	KAPT_DIR=$ROOT/build/kernels/apt-$1
	mkdir -p "$KAPT_DIR/lists/partial"
	kapt_sources "$1" > "$KAPT_DIR/sources.list"
	KAPT=(-o "Dir::Etc::SourceList=$KAPT_DIR/sources.list"
		-o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::Etc::Preferences=/dev/null"
		-o "Dir::Etc::PreferencesParts=/dev/null"
		-o "Dir::State::Lists=$KAPT_DIR/lists"
		-o "Dir::State::Status=/dev/null"
		-o "Dir::Cache=$KAPT_DIR/cache"
		-o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
		-o "Acquire::Check-Valid-Until=false"
		-o "APT::Sandbox::User=$(id -un)"
		-o "Debug::NoLocking=1")
}

kapt_update() {
	local stamp=$KAPT_DIR/updated
	[ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ] || return 0
	if apt-get "${KAPT[@]}" -q update >&2; then
		touch "$stamp"
	elif [ -e "$stamp" ]; then
		echo "kernel-env: apt-get update failed; using the lists of $(date -r "$stamp")" >&2
	else
		echo "kernel-env: apt-get update failed for $KAPT_DIR" >&2
		return 1
	fi
}

kapt_depends() {
	apt-cache "${KAPT[@]}" depends --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances "$1" |
		sed -n 's/^ *|\{0,1\}Depends: <\{0,1\}\([^ >]*\)>\{0,1\}$/\1/p'
}

kapt_fetch() {
	local p=$1 cache ver deb
	cache=$(kernel_cache)/debs
	ver=$(apt-cache "${KAPT[@]}" show --no-all-versions "$p" |
		sed -n 's/^Version: //p' | head -n 1)
	[ -n "$ver" ] || { echo "kernel-env: no package $p" >&2; return 1; }
	deb=$cache/${p}_${ver//:/%3a}_$(apt-cache "${KAPT[@]}" show --no-all-versions "$p" |
		sed -n 's/^Architecture: //p' | head -n 1).deb
	if [ ! -s "$deb" ]; then
		(cd "$cache/partial" && apt-get "${KAPT[@]}" -q download "$p" >&2 &&
			mv ./"${p}_"*.deb "$deb")
	fi
	echo "$deb"
}

kconfig_cc_text() {
	sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$1/.config" 2>/dev/null |
		head -n 1
}

# "x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0" -> x86_64-linux-gnu-gcc-14:
# the command the kernel was built with, whose --version prints that text.
kconfig_cc_name() { echo "${1%% *}"; }
