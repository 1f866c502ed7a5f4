/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * module/ - ValidateModule, FreeModuleInit, UnloadModule (this header is
 * the folder's interface):
 *   module.c        the three calls, the live-module registry, module/'s
 *                   table: protect, check the signature, compare, keep;
 *   modverify.[ch]  the comparison engine: the module's memory against its
 *                   relocated signed ELF, rewrite sites found and checked;
 *   elf.[ch]        the ELF reader; modlayout.[ch] the kernel's layout
 *                   rules (6.1 and 6.4+); modreloc.[ch] relocation;
 *   rewrite.[ch], rewrite_<kind>.c, rewrite_rules.h: one rule per
 *                   load-time rewrite kind.
 *
 * Calls: core/ (chain walk, protection transaction, patch-site table,
 * copy primitives), sig/ (module signature), kdata/ (export tables,
 * patch-info parser, kernel info extension) and the crypto provider.
 * Nothing else includes module/: core reaches it only through
 * vtl1_subsys_module.
 */
#ifndef HEKI_VTL1_MODULE_H
#define HEKI_VTL1_MODULE_H

#include "core/core.h"

/**
 * struct vtl1_mod_range - one run of a module's memory
 * @pfn: first frame
 * @npages: frames
 * @type: heki_mod_mem_type_t value
 * @released: non-zero once FreeModuleInit gave it back (init types)
 */
struct vtl1_mod_range {
	__u64 pfn;
	__u64 npages;
	__u32 type;
	__u32 released;
};

/**
 * struct vtl1_module - a validated module
 * @token: value ValidateModule returned
 * @nr: entries in @r
 * @r: memory runs by type
 * @nexp: entries in @exp
 * @exp: the module's exports (__ksymtab, __ksymtab_gpl of its verified
 *	ELF), for the modules that link against it (module.c)
 * @exp_names: NUL-terminated names @exp points into
 * @text_va: VA of the module's core text (0 if none)
 * @text_size: its size
 * @init_text_va: VA of the module's init text (0 if none)
 * @init_text_size: its size (the span stays recorded after FreeModuleInit;
 *	@r tells whether it was released)
 * @nfunc: entries in @func
 * @func: the function entries in its core text (STT_FUNC symbols of its
 *	verified ELF), sorted, unique: branch targets other modules may use
 * @going: an UnloadModule of it was refused: its frames and sites stay,
 *	but its exports resolve no import and @func names no target
 */
struct vtl1_module {
	__s64 token;
	__u32 nr;
	struct vtl1_mod_range *r;
	__u32 nexp;
	struct heki_symbol *exp;
	char *exp_names;
	__u64 text_va;
	__u64 text_size;
	__u64 init_text_va;
	__u64 init_text_size;
	__u64 nfunc;
	__u64 *func;
	__u8 going;
};

struct vtl1_module *vtl1_module_find(struct heki_vtl1 *v, __s64 token);

#endif /* HEKI_VTL1_MODULE_H */
