# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Kexec binding fuzzer (issue 5 item 5), included by vtl1/Makefile after
# FUZZERS is defined. Paths are relative to vtl1/.
#
#   fuzz_kexec_bind  heki_kexec_bind(): entry-list walk and kernel segment
#       comparison on a hostile kimage and guest pages (see the harness)
#
# Seeds: fuzz/corpus/fuzz_kexec_bind/ (fuzz/gen-kexec-bind-seeds.py).

FUZZERS += fuzz_kexec_bind

$(FUZZ_OUT)/fuzz_kexec_bind: fuzz/fuzz_kexec_bind.c tests/guest.c \
		tests/guest.h $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CLANG [fuzz] $@"
	@$(CLANG) $(FUZZ_CFLAGS) $< tests/guest.c $(LIB_SRCS) -o $@
