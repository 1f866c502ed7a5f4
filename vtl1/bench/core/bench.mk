# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# core/ benchmark, included by vtl1/Makefile. Paths are relative to vtl1/.
#
#   bench: bench/core/bench_chain (chain walk vs plain page copy,
#          bench/core/chain.sh)

bench: bench-chain

.PHONY: bench-chain
bench-chain: $(BENCH_OUT)/bench_chain
	BENCH_OUT=$(BENCH_OUT) bench/core/chain.sh

$(BENCH_OUT)/bench_chain: bench/core/bench_chain.c bench/core/bench_ops.c \
		bench/core/bench_ops.h tests/guest.c tests/oracle.c tests/guest.h tests/oracle.h \
		$(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g $(WARN) $(INC) -I tests bench/core/bench_chain.c \
		bench/core/bench_ops.c tests/guest.c tests/oracle.c $(LIB_SRCS) -o $@
