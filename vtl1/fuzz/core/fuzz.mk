# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# core/ fuzzers, included by vtl1/Makefile after FUZZERS is defined; built
# by its generic fuzz_% rule (the harness, the simulated guest and the
# library). Paths are relative to vtl1/.
#
#   fuzz_chain     the heki_page chain walk on hostile guest pages
#   fuzz_dispatch  any sequence of VTL calls through heki_vtl1_dispatch()
#
# Seeds: fuzz/core/corpus/fuzz_{chain,dispatch}/, written by `make -C vtl1
# seeds` (fuzz/core/gen_seeds.c, from the host tests' builders), and for
# fuzz_dispatch the real flows fuzz/core/gen-real-seeds.sh writes into
# $(FUZZ_OUT)/corpus-real/fuzz_dispatch from the Debian packages (not
# committed). fuzz_dispatch links the OpenSSL provider for those and the
# kexec model's I3 replay (tests/kexec/kexec_model.c), and its guest has
# the 448 MiB of the kexec tests (a normal image of the Debian kernel):
# its own build of guest.c and oracle.c.

FUZZERS += fuzz_chain fuzz_dispatch

BIG_GUEST := -DGUEST_MEM_SIZE='(448ULL << 20)'
FUZZ_BIG_OBJS := $(FUZZ_OBJ)/big/guest.o $(FUZZ_OBJ)/big/oracle.o \
	$(FUZZ_OBJ)/big/kexec_model.o
.SECONDARY: $(FUZZ_BIG_OBJS)

$(FUZZ_OBJ)/big/%.o: tests/%.c tests/guest.h tests/oracle.h $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CLANG [fuzz] $< (448 MiB guest)"
	@$(CLANG) $(FUZZ_CFLAGS) $(BIG_GUEST) -c $< -o $@

$(FUZZ_OBJ)/big/kexec_model.o: tests/kexec/kexec_model.c tests/kexec/kexec_model.h \
		tests/guest.h $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CLANG [fuzz] $< (448 MiB guest)"
	@$(CLANG) $(FUZZ_CFLAGS) $(BIG_GUEST) -c $< -o $@

$(FUZZ_OUT)/fuzz_dispatch: fuzz/core/fuzz_dispatch.c fuzz/core/dispatch_input.h \
		$(FUZZ_BIG_OBJS) $(FUZZ_OBJ)/crypto/openssl.o $(FUZZ_LIB_OBJS) \
		tests/guest.h tests/oracle.h tests/kexec/kexec_model.h $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CLANG [fuzz] $@"
	@$(CLANG) $(FUZZ_CFLAGS) $(BIG_GUEST) -I tests/kexec $< $(FUZZ_BIG_OBJS) \
		$(FUZZ_OBJ)/crypto/openssl.o $(FUZZ_LIB_OBJS) -lcrypto -o $@
