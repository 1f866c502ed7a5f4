# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# sig/ fuzzers, included by vtl1/Makefile after FUZZERS is defined. Paths
# are relative to vtl1/.
#
#   fuzz_der            the DER reader alone (generic fuzz_% rule)
#   fuzz_modsig         the module signature trailer (generic rule)
#   fuzz_pkcs7          the OpenSSL provider (needs libcrypto)
#   fuzz_pkcs7_bearssl  the BearSSL provider: heki_pkcs7_parse/verify and its
#                       certificate parser (libbearssl.a, and libcrypto for
#                       the optional OpenSSL differential, HEKI_FUZZ_DIFF=1)
#
# Seeds: fuzz/sig/corpus/<fuzzer>/ (fuzz_pkcs7 and fuzz_pkcs7_bearssl: the
# signatures of the same fixed certificate, fuzz_cert.h).

BEARSSL_A ?= /usr/lib/x86_64-linux-gnu/libbearssl.a
FUZZERS += fuzz_der fuzz_modsig fuzz_pkcs7 fuzz_pkcs7_bearssl

$(FUZZ_OUT)/fuzz_pkcs7: fuzz/sig/fuzz_pkcs7.c fuzz/sig/fuzz_cert.h \
		$(FUZZ_OBJ)/crypto/openssl.o $(FUZZ_LIB_OBJS) $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CLANG [fuzz] $@"
	@$(CLANG) $(FUZZ_CFLAGS) $< $(FUZZ_OBJ)/crypto/openssl.o $(FUZZ_LIB_OBJS) -lcrypto -o $@

$(FUZZ_OUT)/fuzz_pkcs7_bearssl: fuzz/sig/fuzz_pkcs7_bearssl.c fuzz/sig/fuzz_cert.h \
		$(FUZZ_OBJ)/crypto/bearssl.o $(FUZZ_OBJ)/crypto/openssl.o \
		$(FUZZ_LIB_OBJS) $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CLANG [fuzz] $@"
	@$(CLANG) $(FUZZ_CFLAGS) $< $(FUZZ_OBJ)/crypto/bearssl.o $(FUZZ_OBJ)/crypto/openssl.o \
		$(FUZZ_LIB_OBJS) $(BEARSSL_A) -lcrypto -o $@
