# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# sig/ benchmark, included by vtl1/Makefile. Paths are relative to vtl1/.
#
#   bench: bench/sig/sigverify (signature check vs SHA-256 + one RSA verify,
#          symbol table of 30,000 entries)

bench: bench-sigverify

.PHONY: bench-sigverify
bench-sigverify: $(BENCH_OUT)/sigverify
	BENCH_OUT=$(BENCH_OUT) bench/sig/sigverify.sh

$(BENCH_OUT)/sigverify: bench/sig/sigverify.c crypto/openssl.c crypto/openssl.h \
		$(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g $(WARN) $(INC) $< crypto/openssl.c $(LIB_SRCS) \
		-lcrypto -o $@
