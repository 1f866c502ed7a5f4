#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# setup.sh - install every Debian package the project needs (idempotent).
#
# Fast when everything is already there: one dpkg-query, no apt, no root.
# Otherwise it must run as root (or with sudo available); it runs
# `apt-get update` once, then installs only the missing packages.
#
# To add a package: append one line to the list below.
set -euo pipefail

PACKAGES=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' <<'LIST'
# kernel module build, test kernel, VM harness
linux-headers-amd64
linux-image-amd64
dwarves
kmod
qemu-system-x86
busybox-static
cpio
xz-utils
# trixie and sid kernels: toolchain roots and packages from Debian's archive
# (scripts/kernel-env.sh; the host's apt configuration is never changed)
mmdebstrap
# static analysis (checkpatch.pl needs perl)
sparse
perl
linux-source-6.1	# checkpatch.pl, kernel-doc: scripts/kernel-source.sh extracts them
# toolchains (C, C++, cross-target clang, Rust consumer check)
gcc
g++
make
binutils
clang
llvm
lld
libclang-rt-14-dev
bindgen
rustc
# crypto for host tests and test keys
libssl-dev
libbearssl-dev
liblzma-dev	# heki-verify reads .ko.xz modules (tools/heki-verify)
openssl
osslsigncode	# Authenticode signing and digest cross-check (vtl1/tests/kexec)
libc6-dev	# static libc.a: tests/modules/initmod (init_module(2) in the VM)
# dynamic analysis
valgrind
# test scripts
python3
groff-base	# tests/heki-verify: the man page renders (groff -ww)
# documentation: make htmldocs (kernel-doc comes from linux-source-6.1)
python3-sphinx
python3-sphinx-rtd-theme
zstd
git
# Debian packages of debian/ (tests/pkg/): build, lint, DKMS, initramfs
debhelper
dh-dkms
dkms
lintian
pkg-config
initramfs-tools
e2fsprogs
LIST
)

missing=()
for pkg in $PACKAGES; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
	case $status in
	ii*) ;;
	*) missing+=("$pkg") ;;
	esac
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "setup: all $(wc -w <<<"$PACKAGES") packages installed"
	exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "setup: missing packages and not root: run 'bash scripts/setup.sh' as root" >&2
		exit 1
	}
	SUDO=sudo
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-o DPkg::Lock::Timeout=600)

# A fresh machine's package lists may be stale or empty: refresh them once.
$SUDO apt-get "${APT_OPTS[@]}" update
$SUDO apt-get "${APT_OPTS[@]}" install -y --no-install-recommends "${missing[@]}"

# Every package must now be installed; anything else is a setup failure.
for pkg in "${missing[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
	case $status in
	ii*) ;;
	*) echo "setup: $pkg is still not installed" >&2; exit 1 ;;
	esac
done
echo "setup: done"
