/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kexec_model.h - Linux's kexec_file loader (bzImage64) and relocate_kernel,
 * modelled for the tests from the kernel source (kernel/kexec_file.c,
 * kernel/kexec_core.c, arch/x86/kernel/kexec-bzimage64.c,
 * machine_kexec_64.c, relocate_kernel_64.S at 6.1, 6.12 and 7.2). Test
 * code: it never calls vtl1/src, so it is an independent second reading of
 * the kernel, against which VTL1's own is checked.
 *
 *  - km_load(): what kexec_file_load(2) leaves in memory for VTL1 to check:
 *    the segments (crash: copied in place; normal: the entry list
 *    kimage_load_normal_segment() builds, with kimage_alloc_page()'s rules
 *    for pages that are destinations) and the struct heki_kimage
 *    kmod/kexec.c sends;
 *  - km_replay(): I3. relocate_kernel's swap_pages of the kernel
 *    generation over an accepted image, then the check that every page
 *    that runs before the new kernel's entry point holds the verified
 *    bytes (the oracle's kexec hook, tests and fuzz_kexec_bind).
 */
#ifndef HEKI_TESTS_KEXEC_MODEL_H
#define HEKI_TESTS_KEXEC_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <heki/abi.h>

struct guest;

/* KERNEL_VERSION(6, 15, 0): relocate_kernel copies instead of swapping. */
#define KM_LINUX_6_15	0x060f00U
#define KM_LINUX_6_4	0x060400U

/**
 * struct km_purgatory - kexec_load_purgatory() for one address, then the
 *	symbols bzImage64_load() and kexec_calculate_store_digests() set
 * @buf: the purgatory segment's buffer (@bufsz bytes, malloc'd)
 * @bufsz: its bufsz
 * @memsz: its memsz (page aligned, with .bss)
 * @align: the alignment of its address (kexec_add_buffer)
 * @start: image->start (purgatory_start)
 * @regs: offset in @buf of entry64_regs
 * @regions: offset of purgatory_sha_regions
 * @digest: offset of purgatory_sha256_digest
 * @stack_end: address of stack_end
 */
struct km_purgatory {
	uint8_t *buf;
	size_t bufsz;
	size_t memsz;
	uint64_t align;
	uint64_t start;
	size_t regs, regions, digest;
	uint64_t stack_end;
};

int km_purgatory_load(const uint8_t *elf, size_t len, uint64_t mem,
		      struct km_purgatory *out, char *why, size_t whylen);
void km_purgatory_free(struct km_purgatory *p);

/**
 * struct km_in - one kexec_file_load(2)
 * @kernel: the bzImage file (signed vmlinuz)
 * @kernel_len: its length
 * @purgatory: the running kernel's kexec_purgatory ELF
 * @purgatory_len: its length
 * @cmdline: the command line (NUL-terminated)
 * @initrd: initrd bytes, NULL for none
 * @initrd_len: their length
 * @crash: KEXEC_FILE_ON_CRASH
 * @version: LINUX_VERSION_CODE of the running kernel
 * @dest: first destination address the segments may take (page aligned;
 *	segments are placed upwards in kimage order, each at its alignment)
 * @pool: first page of the page allocator (normal images: sources and
 *	indirection pages, handed out upwards)
 * @pool_end: one past its last page
 * @image_pa: where the struct heki_kimage copy is written
 */
struct km_in {
	const uint8_t *kernel;
	size_t kernel_len;
	const uint8_t *purgatory;
	size_t purgatory_len;
	const char *cmdline;
	const uint8_t *initrd;
	size_t initrd_len;
	int crash;
	uint32_t version;
	uint64_t dest;
	uint64_t pool;
	uint64_t pool_end;
	uint64_t image_pa;
};

/**
 * struct km_image - what km_load() left in guest memory
 * @ki: the struct heki_kimage written at @image_pa
 * @image_pa: where it is
 * @list: the entry list in order, links included (normal)
 * @nlist: words in @list
 * @pages: every source and indirection page (normal): the KexecPages
 *	kmod/kexec.c sends, one page each
 * @npages: entries in @pages
 * @kseg: kernel segment index
 * @pseg: purgatory segment index
 * @bseg: boot_params segment index
 */
struct km_image {
	struct heki_kimage ki;
	uint64_t image_pa;
	uint64_t *list;
	size_t nlist;
	uint64_t *pages;
	size_t npages;
	int kseg, pseg, bseg;
};

int km_load(struct guest *g, const struct km_in *in, struct km_image *out,
	    char *why, size_t whylen);
void km_image_free(struct km_image *m);
/* Rewrite the entry list as indirection pages (normal; after a change). */
void km_write_list(struct guest *g, struct km_image *m);

/**
 * struct km_auth - what the replay may trust (the oracle's arg)
 * @kernel: the verified bzImage file
 * @kernel_len: its length
 * @purgatory: the kexec_purgatory the running kernel carries
 * @purgatory_len: its length
 * @version: LINUX_VERSION_CODE (which swap_pages runs)
 * @image_pa: where the accepted struct heki_kimage lies in guest memory
 */
struct km_auth {
	const uint8_t *kernel;
	size_t kernel_len;
	const uint8_t *purgatory;
	size_t purgatory_len;
	uint32_t version;
	uint64_t image_pa;
};

int km_replay(struct guest *g, int crash, void *auth, char *why,
	      size_t whylen);
/*
 * The oracle's I3 hook (oracle_replay_fn), for the kexec tests and
 * fuzz_dispatch: km_replay() of the image the KexecValidate chain at
 * @chain_pa names (its KEXEC_IMAGE range). @auth is a struct km_auth
 * whose @image_pa is ignored. @kernel is the file the signer signed
 * (test_kexec.c: the vmlinuz; fuzz_dispatch: the one it read, for 'R'
 * inputs), so an image VTL1 accepted after verifying other bytes fails.
 * With @kernel NULL (inputs signed by the test provider, which any input
 * can forge) the kernel is the chain's KEXEC_KERNEL_BLOB ranges joined in
 * chain order as they lie in guest memory, VTL1's own view: that replay
 * checks the page walk only, not which blob was verified.
 */
int km_replay_chain(struct guest *g, __u64 chain_pa, int crash, void *auth,
		    char *why, size_t whylen);

#endif /* HEKI_TESTS_KEXEC_MODEL_H */
