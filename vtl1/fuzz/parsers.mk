# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Parser fuzzers and the signature benchmark, included by vtl1/Makefile
# (after FUZZERS is defined). Paths are relative to vtl1/.
#
#   fuzz_modsig fuzz_certs fuzz_symtab fuzz_patchinfo fuzz_kimage: the
#       library's parsers alone (built by the Makefile's fuzz_% rule);
#   fuzz_pkcs7: the OpenSSL provider (needs libcrypto);
#   bench: bench/sigverify (signature check vs openssl dgst + one RSA
#       verify, symbol table of 30,000 entries).

PARSER_FUZZERS := fuzz_modsig fuzz_certs fuzz_symtab fuzz_patchinfo \
	fuzz_kimage fuzz_pkcs7
FUZZERS += $(PARSER_FUZZERS)

$(FUZZ_OUT)/fuzz_pkcs7: fuzz/fuzz_pkcs7.c fuzz/fuzz_cert.h crypto/openssl.c crypto/openssl.h \
		$(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) $< crypto/openssl.c $(LIB_SRCS) -lcrypto -o $@

bench: bench-sigverify

.PHONY: bench-sigverify
bench-sigverify: $(BENCH_OUT)/sigverify
	BENCH_OUT=$(BENCH_OUT) bench/sigverify.sh

$(BENCH_OUT)/sigverify: bench/sigverify.c crypto/openssl.c crypto/openssl.h \
		$(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g $(WARN) $(INC) $< crypto/openssl.c $(LIB_SRCS) \
		-lcrypto -o $@
