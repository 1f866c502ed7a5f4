# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Integrity fuzzers (issue 5), included by vtl1/Makefile after FUZZERS is
# defined; built by its generic fuzz_% rule (fuzz/fuzz_%.c + the library).
# Paths are relative to vtl1/.
#
#   fuzz_elf       heki_elf_* accessors and heki_modlayout_compute()
#   fuzz_modreloc  heki_modreloc_symbols() / _apply() on every loaded section
#
# Seeds: fuzz/corpus/fuzz_elf/ (small signed Debian modules, stored as .bin: crc7, cordic,
# aes_ti with .altinstructions/.parainstructions, snd-sof-utils with
# __jump_table, amd_freq_sensitivity with .data..percpu, async_memcpy with
# .static_call_sites, peaq-wmi with .init.rodata) and
# fuzz/corpus/fuzz_modreloc/ (the same images behind one control byte).

INTEGRITY_FUZZERS := fuzz_elf fuzz_modreloc
FUZZERS += $(INTEGRITY_FUZZERS)

.PHONY: fuzz-integrity
fuzz-integrity: $(addprefix $(FUZZ_OUT)/,$(INTEGRITY_FUZZERS))
	@set -e; for f in $(INTEGRITY_FUZZERS); do \
		mkdir -p $(FUZZ_OUT)/corpus-$$f; \
		$(FUZZ_OUT)/$$f -max_total_time=$(FUZZ_SECONDS) \
			-print_final_stats=1 -artifact_prefix=$(FUZZ_OUT)/ \
			$(FUZZ_OUT)/corpus-$$f \
			fuzz/corpus/$$f; \
	done
