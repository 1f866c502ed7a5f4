# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Crypto fuzzers (issue 5, item 6), included by vtl1/Makefile after FUZZERS
# is defined. Paths are relative to vtl1/.
#
#   fuzz_der            the DER reader alone (generic fuzz_% rule)
#   fuzz_pkcs7_bearssl  the BearSSL provider: heki_pkcs7_parse/verify and its
#                       certificate parser (libbearssl.a, and libcrypto for
#                       the optional OpenSSL differential, HEKI_FUZZ_DIFF=1)
#
# Seeds: fuzz/corpus/fuzz_der/ and fuzz/corpus/fuzz_pkcs7_bearssl/ (the
# fuzz_pkcs7 signatures of the same fixed certificate).

BEARSSL_A ?= /usr/lib/x86_64-linux-gnu/libbearssl.a
CRYPTO_FUZZERS := fuzz_der fuzz_pkcs7_bearssl
FUZZERS += $(CRYPTO_FUZZERS)

$(FUZZ_OUT)/fuzz_pkcs7_bearssl: fuzz/fuzz_pkcs7_bearssl.c fuzz/fuzz_cert.h crypto/bearssl.c \
		crypto/bearssl.h crypto/openssl.c crypto/openssl.h \
		$(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) $< crypto/bearssl.c crypto/openssl.c \
		$(LIB_SRCS) $(BEARSSL_A) -lcrypto -o $@
