# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# kexec/ fuzzers, included by vtl1/Makefile after FUZZERS is defined. Paths
# are relative to vtl1/.
#
#   fuzz_kimage        the struct kimage fields (generic fuzz_% rule)
#   fuzz_kexec_bind    heki_kexec_bind(): entry-list walk and kernel segment
#                      comparison on a hostile kimage and guest pages
#                      (generic rule: harness, simulated guest, library)
#   fuzz_authenticode  heki_pe_parse(), heki_authenticode_image_digest() and
#                      heki_authenticode_verify() (OpenSSL digests,
#                      permissive key primitives; see the harness)
#
# Seeds: fuzz/kexec/corpus/<fuzzer>/ (fuzz_authenticode: small PE32+ images
# signed with osslsigncode, SHA-256/384/512, and one with Debian's kernel
# signature; fuzz_kexec_bind: fuzz/kexec/gen-kexec-bind-seeds.py).

FUZZERS += fuzz_kimage fuzz_kexec_bind fuzz_authenticode

$(FUZZ_OUT)/fuzz_authenticode: fuzz/kexec/fuzz_authenticode.c $(FUZZ_OBJ)/crypto/openssl.o \
		$(FUZZ_LIB_OBJS) $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CLANG [fuzz] $@"
	@$(CLANG) $(FUZZ_CFLAGS) $< $(FUZZ_OBJ)/crypto/openssl.o $(FUZZ_LIB_OBJS) -lcrypto -o $@
