# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# heki - top-level build. kbuild reads ./Kbuild for the kernel module; this
# file only drives it and the other components.
#
#   make              kmod/heki_vtl0.ko (kbuild) and build/vtl1/libheki_vtl1.a
#   make C=1          the same, failing on any sparse finding in kmod/ (kbuild,
#                     every file), vtl1/ and every uapi/ header (standalone)
#   make sparse       the sparse checks alone
#   make check        setup, build, run every suite in tests/suites.list
#   make demo         setup, build, run scripts/demo.sh
#   make rust-gen     regenerate rust/heki_abi from uapi/heki (after any
#                     uapi change; commit the result, the drift test checks)
#   make htmldocs     Documentation/ as HTML in build/htmldocs/ (Sphinx,
#                     kernel-doc; any warning fails)
#   make heki-verify
#                     build/heki-verify/heki-verify, the offline verifier
#                     (tools/heki-verify, heki-verify(1))
#   make install      heki-verify and its man page under DESTDIR
#                     (PREFIX=/usr; the library: make -C vtl1 install)
#   make fuzz | bench | clean | setup
#
#   KDIR=DIR          kernel build tree (default: newest installed Debian
#                     /usr/src/linux-headers-*-amd64; never the host's uname -r)

ifeq ($(origin KDIR),undefined)
KDIR := $(lastword $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V))
endif

# Top-level C=1 or C=2: sparse everything. kbuild's own C=1 checks only the
# files it recompiles, so the kmod part always runs kbuild with C=2, and
# CF=-Wsparse-error turns findings into a failed build (CHECKFLAGS is left
# alone: kbuild puts the kernel's -D and --arch flags there).
SPARSE_ON := $(filter 1 2,$(C))
KBUILD_SPARSE = C=2 CF="$(CF) -Wsparse-error"

UAPI_HEADERS = $(sort $(shell find uapi -name '*.h' 2>/dev/null))
# vtl1 library sources: the files vtl1/Makefile builds into libheki_vtl1.a
# (vtl1/src/<subsystem>/*.c; host-only code lives in vtl1/tests, fuzz, bench,
# crypto).
VTL1_SPARSE_SRCS = $(sort $(wildcard vtl1/src/*/*.c))
VTL1_SPARSE_INC = -I vtl1/include -I vtl1/src

.PHONY: all kmod vtl1 sparse sparse-kmod sparse-standalone check demo fuzz bench \
	htmldocs clean setup kdir-check rust-gen heki-verify install

all: kmod vtl1 heki-verify $(if $(SPARSE_ON),sparse-standalone)

kdir-check:
	@if [ -z "$(KDIR)" ] || [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "no kernel headers (KDIR='$(KDIR)'): run 'bash scripts/setup.sh' as root" >&2; \
		exit 1; \
	fi

kmod: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 $(if $(SPARSE_ON),$(KBUILD_SPARSE)) modules

vtl1:
	$(MAKE) -C vtl1 lib

heki-verify:
	$(MAKE) -C tools/heki-verify all

install:
	$(MAKE) -C tools/heki-verify install

sparse: sparse-kmod sparse-standalone

sparse-kmod: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_SPARSE) modules

sparse-standalone:
	scripts/sparse.sh --header $(UAPI_HEADERS)
	scripts/sparse.sh --hosted --header $(UAPI_HEADERS)
	scripts/sparse.sh $(VTL1_SPARSE_INC) $(VTL1_SPARSE_SRCS)

setup:
	bash scripts/setup.sh

# The Rust crate's generated files (Documentation/rust.rst).
rust-gen:
	python3 rust/heki_abi/gen/rustgen.py

# check and demo work on a fresh machine: setup first (fast when nothing is
# missing), then build in a sub-make so KDIR is found after the install.
# check.sh --build counts a failed build as one failure and still runs the
# suites, so `make check` always ends with `N passed, N failed`.
check:
	@[ -n "$(SKIP_SETUP)" ] || bash scripts/setup.sh
	MAKE="$(MAKE)" bash scripts/check.sh --build

demo:
	@[ -n "$(SKIP_SETUP)" ] || bash scripts/setup.sh
	$(MAKE) all
	bash scripts/demo.sh

htmldocs:
	bash scripts/htmldocs.sh

# fuzz and bench belong to the components: vtl1's fuzzers and host
# benchmarks, heki-verify against its floor, then the VM benchmarks of the
# module (scripts/bench.sh).
fuzz: all
	$(MAKE) -C vtl1 fuzz

bench: all
	$(MAKE) -C vtl1 bench
	$(MAKE) -C tools/heki-verify bench
	bash scripts/bench.sh

clean:
	@if [ -n "$(KDIR)" ] && [ -f "$(KDIR)/Makefile" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean; \
	fi
	$(MAKE) -C vtl1 clean
	rm -rf build
