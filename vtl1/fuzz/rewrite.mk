# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Rewrite-rule fuzzer (issue 5), included by vtl1/Makefile after FUZZERS
# is defined; built by its generic fuzz_% rule. Paths relative to vtl1/.
#
#   fuzz_rewrite  heki_rw_check() on arbitrary sites, bytes and context
#
# Seeds: fuzz/corpus/fuzz_rewrite/ (one per rule: the accepted forms of
# tests/rewrite's table, see the header comment of fuzz_rewrite.c).

FUZZERS += fuzz_rewrite
