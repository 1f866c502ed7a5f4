// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * gen_seeds.c - write the seed corpus of fuzz_dispatch and fuzz_chain.
 *
 * Runs realistic call sequences (the host tests' builders) on a simulated
 * guest and records them in fuzz_dispatch's input format: before each
 * call, the guest pages that changed since the previous call as 'W'
 * records, then the call as a 'C' record. Usage: gen_seeds <corpus dir>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "dispatch_input.h"

static __u8 *shadow;
static FILE *out;

static void put(__u64 v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fputc((int)((v >> (8 * i)) & 0xff), out);
}

static void record(struct guest *g, __u32 id, __u64 a0, __u64 a1, __u64 a2)
{
	__u64 pa;

	for (pa = 0; pa < GUEST_MEM_SIZE; pa += HEKI_PAGE_SIZE) {
		if (!memcmp(shadow + pa, g->mem + pa, HEKI_PAGE_SIZE))
			continue;
		fputc(FUZZ_REC_WRITE, out);
		put(pa, 4);
		put(HEKI_PAGE_SIZE, 2);
		fwrite(g->mem + pa, 1, HEKI_PAGE_SIZE, out);
		memcpy(shadow + pa, g->mem + pa, HEKI_PAGE_SIZE);
	}
	fputc(FUZZ_REC_CALL, out);
	put(id, 4);
	put(a0, 8);
	put(a1, 8);
	put(a2, 8);
}

static struct guest *begin(const char *dir, const char *name)
{
	char path[512];
	struct guest *g = guest_new();

	snprintf(path, sizeof(path), "%s/fuzz_dispatch/%s", dir, name);
	out = fopen(path, "wb");
	if (!out) {
		perror(path);
		exit(1);
	}
	memset(shadow, 0, GUEST_MEM_SIZE);
	g->quiet = 1;
	g->on_call = record;
	return g;
}

static void end(struct guest *g)
{
	fclose(out);
	guest_free(g);
}

#define ID(x) VSM_VTL_CALL_FUNC_ID_##x##_VALUE

/* A small signed module (modsim.c) validated, its init freed, unloaded. */
static void module_seq(struct guest *g)
{
	validate_module_at(g, MEM_PA + 0x200000, DATA_PA + 0x20000);
	guest_call(g, ID(FREE_MODULE_INIT), 0, 0, 0);
	guest_call(g, ID(UNLOAD_MODULE), 0, 0, 0);
}

static void patch_seq(struct guest *g)
{
	struct heki_patch p;
	__u64 desc = DATA_PA + 0x30000;

	memset(&p, 0, sizeof(p));
	p.pa[0] = MEM_PA + 0x10;
	p.size = 1;
	p.code[0] = 0xCC;
	guest_write(g, desc, &p, sizeof(p));
	guest_call(g, ID(PATCH_TEXT), desc, 0, 0);
	p.pa[0] = MEM_PA + 0x1FFF;
	p.pa[1] = MEM_PA + 0x5000;
	p.size = 4;
	memcpy(p.code, "\x55\x66\x77\x88", 4);
	guest_write(g, desc, &p, sizeof(p));
	guest_call(g, ID(PATCH_TEXT), desc, 0, 0);
}

/* One text_poke_bp sequence (INT3, tail, head) at a site in one page. */
static void poke(struct guest *g, __u64 pa, const char *to, __u8 n)
{
	struct heki_patch p;
	__u64 desc = DATA_PA + 0x30000;

	memset(&p, 0, sizeof(p));
	p.pa[0] = pa;
	p.size = 1;
	p.code[0] = 0xCC;
	guest_write(g, desc, &p, sizeof(p));
	guest_call(g, ID(PATCH_TEXT), desc, 0, 0);
	p.pa[0] = pa + 1;
	p.size = n - 1;
	memcpy(p.code, to + 1, n - 1);
	guest_write(g, desc, &p, sizeof(p));
	guest_call(g, ID(PATCH_TEXT), desc, 0, 0);
	p.pa[0] = pa;
	p.size = 1;
	p.code[0] = (__u8)to[0];
	guest_write(g, desc, &p, sizeof(p));
	guest_call(g, ID(PATCH_TEXT), desc, 0, 0);
}

/*
 * A whole life: kernel text protected with load_kdata_basic()'s two sites
 * (NOP5), end of boot, a site patched to its jmp and back, the APs booted
 * with a signal page VTL0 owns, a module validated, freed and unloaded.
 */
static void life_seq(struct guest *g)
{
	static const char nop5[] = "\x0f\x1f\x44\x00\x00";
	struct heki_cpu_mask m = { .bits = { 0x3, 0 } };
	struct heki_range k = rng(KVA(MEM_PA), MEM_PA, MEM_PA + 0x6000, 5);

	guest_write(g, MEM_PA + 0x10, nop5, 5);
	guest_write(g, MEM_PA + 0x1FFE, nop5, 2);
	guest_write(g, MEM_PA + 0x5000, nop5 + 2, 3);
	call_chain(g, ID(PROTECT_MEMORY), &k, 1, 0);
	load_kdata_basic(g);
	guest_call(g, ID(SIGNAL_END_OF_BOOT), 0, 0, 0);
	poke(g, MEM_PA + 0x10, "\xe9\x11\x22\x33\x44", 5);
	poke(g, MEM_PA + 0x10, nop5, 5);
	guest_write(g, DATA_PA, &m, sizeof(m));
	guest_call(g, ID(BOOT_APS), DATA_PA >> 12, (DATA_PA >> 12) + 1, 0);
	module_seq(g);
}

int main(int argc, char **argv)
{
	struct guest *g;
	struct heki_range r[3];
	struct heki_cpu_mask m = { .bits = { 0xF, 0 } };
	char path[512];
	int i;

	if (argc != 2)
		return 2;
	shadow = calloc(1, GUEST_MEM_SIZE);

	g = begin(argv[1], "boot");
	guest_write(g, DATA_PA, &m, sizeof(m));
	guest_call(g, ID(ENABLE_APS_VTL), 0, 0, 0);
	guest_call(g, ID(BOOT_APS), DATA_PA >> 12, (DATA_PA >> 12) + 1, 0);
	guest_call(g, ID(LOCK_REGS), 0, 0, 0);
	guest_call(g, ID(ALLOCATE_RINGBUFFER_MEMORY), MEM_PA + 0x100, 0x2000, 0);
	guest_call(g, ID(SIGNAL_END_OF_BOOT), 0, 0, 0);
	guest_call(g, ID(LOCK_REGS), 0, 0, 0);
	guest_call(g, ID(OPTEE_MESSAGE), 0, 0, 0);
	end(g);

	g = begin(argv[1], "protect");
	r[0] = rng(KVA(MEM_PA), MEM_PA, MEM_PA + 0x3000, 5);
	r[1] = rng(KVA(MEM_PA + 0x3000), MEM_PA + 0x3000, MEM_PA + 0x4000, 1);
	r[2] = rng(KVA(MEM_PA + 0x8000), MEM_PA + 0x8000, MEM_PA + 0x9000, 3);
	call_chain(g, ID(PROTECT_MEMORY), r, 3, 0);
	r[0].attributes = 1;
	call_chain(g, ID(PROTECT_MEMORY), r, 1, 0);
	end(g);

	g = begin(argv[1], "kdata");
	load_kdata_basic(g);
	end(g);

	g = begin(argv[1], "module");
	load_kdata_basic(g);
	module_seq(g);
	end(g);

	g = begin(argv[1], "patch");
	load_kdata_basic(g);
	patch_seq(g);
	end(g);

	g = begin(argv[1], "life");
	life_seq(g);
	end(g);

	g = begin(argv[1], "kexec");
	load_kdata_basic(g);
	r[0] = rng(KVA(DATA_PA + 0x40000), DATA_PA + 0x40000,
		   DATA_PA + 0x40000 + sizeof(struct heki_kimage),
		   HEKI_KEXEC_IMAGE_VALUE);
	r[1] = rng(KVA(DATA_PA + 0x48000), DATA_PA + 0x48000,
		   DATA_PA + 0x49000, HEKI_KEXEC_KERNEL_BLOB_VALUE);
	r[2] = rng(KVA(MEM_PA + 0x300000), MEM_PA + 0x300000,
		   MEM_PA + 0x302000, HEKI_KEXEC_PAGES_VALUE);
	call_chain(g, ID(KEXEC_VALIDATE), r, 3, 1);
	guest_call(g, ID(KEXEC_VALIDATE), 0, 0, 0);
	end(g);

	/* fuzz_chain: nranges + pages */
	for (i = 0; i < 3; i++) {
		static const __u32 counts[] = { 1, 127, 300 };
		static struct heki_range rr[300];
		__u64 n = counts[i], k, npages = (n + 126) / 127;
		FILE *f;

		g = guest_new();
		for (k = 0; k < n; k++)
			rr[k] = rng(KVA(MEM_PA + k * 0x1000), MEM_PA + k * 0x1000,
				    MEM_PA + (k + 1) * 0x1000, 1);
		guest_chain(g, 0x10000, rr, (__u32)n, 0);
		snprintf(path, sizeof(path), "%s/fuzz_chain/chain_%u",
			 argv[1], counts[i]);
		f = fopen(path, "wb");
		if (!f)
			return 1;
		fwrite(&n, 8, 1, f);
		fwrite(g->mem + 0x10000, 1, npages * HEKI_PAGE_SIZE, f);
		fclose(f);
		guest_free(g);
	}
	free(shadow);
	return 0;
}
