# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# kdata/ fuzzers, included by vtl1/Makefile after FUZZERS is defined; built
# by its generic fuzz_% rule. Paths are relative to vtl1/.
#
#   fuzz_certs      the certificate list walk
#   fuzz_symtab     kernel info and the export tables
#   fuzz_patchinfo  the patch-info buffer and the descriptor rules
#
# Seeds: fuzz/kdata/corpus/<fuzzer>/.

FUZZERS += fuzz_certs fuzz_symtab fuzz_patchinfo
