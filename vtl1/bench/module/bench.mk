# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# module/ benchmark: ValidateModule (issue 5, item 7), included by
# vtl1/Makefile.
# Paths are relative to vtl1/.
#
#   bench: bench/module/modverify (ValidateModule of a ~1 MiB Debian module vs
#          SHA-256 of its ELF plus memcmp of its memory; wall time of
#          interleaved rounds and callgrind instruction counts, one run)

bench: bench-modverify

.PHONY: bench-modverify
bench-modverify: $(BENCH_OUT)/modverify
	BENCH_OUT=$(BENCH_OUT) bench/module/modverify.sh

$(BENCH_OUT)/modverify: bench/module/modverify.c tests/guest.c tests/oracle.c tests/guest.h tests/oracle.h \
		tests/modsim.c tests/modsim.h crypto/openssl.c crypto/openssl.h \
		$(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g $(WARN) $(INC) -I tests $< tests/guest.c tests/oracle.c \
		tests/modsim.c crypto/openssl.c $(LIB_SRCS) -lcrypto -o $@
