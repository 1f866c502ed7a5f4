# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Authenticode fuzzer (issue 5), included by vtl1/Makefile after FUZZERS
# is defined. Paths are relative to vtl1/.
#
#   fuzz_authenticode  heki_pe_parse(), heki_authenticode_image_digest()
#       and heki_authenticode_verify() (OpenSSL digests, permissive key
#       primitives; see the harness)
#
# Seeds: fuzz/corpus/fuzz_authenticode/ (small PE32+ images signed with
# osslsigncode, SHA-256/384/512, and one with Debian's kernel signature).

FUZZERS += fuzz_authenticode

$(FUZZ_OUT)/fuzz_authenticode: fuzz/fuzz_authenticode.c crypto/openssl.c \
		crypto/openssl.h $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CLANG [fuzz] $@"
	@$(CLANG) $(FUZZ_CFLAGS) $< crypto/openssl.c $(LIB_SRCS) -lcrypto -o $@
