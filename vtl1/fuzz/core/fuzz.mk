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
# seeds` (fuzz/core/gen_seeds.c, from the host tests' builders).

FUZZERS += fuzz_chain fuzz_dispatch
