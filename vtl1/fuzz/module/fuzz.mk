# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# module/ fuzzers, included by vtl1/Makefile after FUZZERS is defined;
# built by its generic fuzz_% rule. Paths are relative to vtl1/.
#
#   fuzz_elf       heki_elf_* accessors and heki_modlayout_compute()
#   fuzz_modreloc  heki_modreloc_symbols() / _apply() on every loaded section
#   fuzz_rewrite   heki_rw_check() on arbitrary sites, bytes and context
#
# Seeds: fuzz/module/corpus/fuzz_elf/ (small signed Debian modules, stored
# as .bin: crc7, cordic, aes_ti with .altinstructions/.parainstructions,
# snd-sof-utils with __jump_table, amd_freq_sensitivity with .data..percpu,
# async_memcpy with .static_call_sites, peaq-wmi with .init.rodata),
# fuzz/module/corpus/fuzz_modreloc/ (the same images behind one control
# byte), fuzz/module/corpus/fuzz_rewrite/ (one per rule: the accepted forms
# of tests/module/rewrite's table, see the header of fuzz_rewrite.c).

MODULE_FUZZERS := fuzz_elf fuzz_modreloc fuzz_rewrite
FUZZERS += $(MODULE_FUZZERS)

.PHONY: fuzz-module
fuzz-module: $(addprefix $(FUZZ_OUT)/,$(MODULE_FUZZERS))
	@set -e; for f in $(MODULE_FUZZERS); do \
		mkdir -p $(FUZZ_OUT)/corpus-$$f; \
		$(FUZZ_OUT)/$$f -max_total_time=$(FUZZ_SECONDS) \
			-print_final_stats=1 -artifact_prefix=$(FUZZ_OUT)/ \
			$(FUZZ_OUT)/corpus-$$f fuzz/module/corpus/$$f; \
	done
