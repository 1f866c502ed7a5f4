// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * gen_seeds.c - write the seed corpus of fuzz_dispatch and fuzz_chain.
 *
 * Runs realistic call sequences (the host tests' builders) on a simulated
 * guest and records them in fuzz_dispatch's input format: before each
 * call, the guest pages that changed since the previous call as 'W'
 * records, then the call as a 'C' record. Usage: gen_seeds <corpus dir>
 * (the committed seeds, test provider), or gen_seeds <corpus dir> <data
 * dir> (the real flows, OpenSSL provider, on the Debian data
 * gen-real-seeds.sh prepared: cert.der, the kernel's module signing
 * certificate; module.ko, a module it signed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "modsim.h"
#include "kexec_model.h"
#include "sig/modsig.h"
#include "dispatch_input.h"
#include "../../crypto/openssl.h"

static __u8 *shadow;
static FILE *out;
/* Pages recorded: all, or below what the real flows use (their guest is 448 MiB). */
static __u64 scan_end = GUEST_MEM_SIZE;

static void put(__u64 v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fputc((int)((v >> (8 * i)) & 0xff), out);
}

static void record(struct guest *g, __u32 id, __u64 a0, __u64 a1, __u64 a2)
{
	__u64 pa;

	for (pa = 0; pa < scan_end; pa += HEKI_PAGE_SIZE) {
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
	int real = !strncmp(name, "real-", 5);

	snprintf(path, sizeof(path), "%s/fuzz_dispatch/%s", dir, name);
	out = fopen(path, "wb");
	if (!out) {
		perror(path);
		exit(1);
	}
	/* zero pages from the kernel: a memset would touch every one */
	free(shadow);
	shadow = calloc(1, GUEST_MEM_SIZE);
	if (!shadow)
		exit(1);
	g->quiet = 1;
	g->on_call = record;
	if (real) {
		/* What fuzz_dispatch does for an input starting with 'R'. */
		fputc(FUZZ_REC_REAL, out);
		heki_vtl1_destroy(g->v);
		g->crypto = heki_vtl1_crypto_openssl;
		if (heki_vtl1_create(&g->plat, &g->v))
			exit(1);
		oracle_reset(g);
	}
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

static void die(struct guest *g, const char *what, __s64 ret)
{
	fprintf(stderr, "gen_seeds: %s: %lld (%s)\n", what, (long long)ret,
		g->last_log);
	exit(1);
}

/*
 * The real flows: LoadKData with the Debian kernel's module signing
 * certificate (and an export table of the module's imports), then
 * ValidateModule of a module Debian signed, laid out and relocated as the
 * kernel would (modsim.c) with its own signature, FreeModuleInit and
 * UnloadModule. Every signature check runs on OpenSSL.
 */
static int real_seeds(const char *dir, const char *data)
{
	struct modsim *s = calloc(1, sizeof(*s));
	struct heki_range r[16];
	struct heki_modsig ms;
	size_t clen, mlen;
	__u8 *cert = check_read_file(data, "cert.der", &clen);
	__u8 *mod = check_read_file(data, "module.ko", &mlen);
	struct guest *g;
	__s64 ret;
	__u32 n;

	if (!s || heki_modsig_split(mod, mlen, &ms) ||
	    ms.data_len > SIM_ELF_MAX ||
	    modsim_load(s, mod, ms.data_len, SIM_CORE_VA, SIM_INIT_VA,
			modsim_resolve, NULL, SIM_PERCPU_VA, 1)) {
		fprintf(stderr, "gen_seeds: module.ko: not a signed module modsim loads\n");
		return 1;
	}
	modsim_nop_mcount(s);

	g = begin(dir, "real-kdata");
	ret = modsim_load_kdata(g, cert, clen, &s->mv.elf);
	if (ret)
		die(g, "LoadKData", ret);
	end(g);

	g = begin(dir, "real-module");
	ret = modsim_load_kdata(g, cert, clen, &s->mv.elf);
	if (ret)
		die(g, "LoadKData", ret);
	n = modsim_place(g, s, SIM_CORE_PA, SIM_INIT_PA, r);
	guest_write(g, SIM_ELF_PA, mod, mlen);
	r[n++] = (struct heki_range){ SIM_KVA(SIM_ELF_PA), SIM_ELF_PA,
				      SIM_ELF_PA + mlen,
				      HEKI_MOD_MEM_ELF_BUFFER_VALUE };
	r[n++] = (struct heki_range){ SIM_PERCPU_VA, 0, 0,
				      HEKI_MOD_MEM_PERCPU_VALUE };
	guest_chain(g, SIM_CHAIN_PA, r, n, 0);
	ret = guest_call(g, ID(VALIDATE_MODULE), SIM_CHAIN_PA, n, 0);
	if (ret < 0)
		die(g, "ValidateModule", ret);
	guest_call(g, ID(FREE_MODULE_INIT), (__u64)ret, 0, 0);
	guest_call(g, ID(UNLOAD_MODULE), (__u64)ret, 0, 0);
	end(g);
	modsim_free(s);
	free(s);
	free(cert);
	free(mod);
	return 0;
}

/* A 'K' record: bytes [off, off + len) of the kernel file at pa. */
static void put_kernel(struct guest *g, __u64 pa, __u64 off, __u64 len)
{
	fputc(FUZZ_REC_KERNEL, out);
	put(pa, 4);
	put(off, 4);
	put(len, 4);
	memcpy(shadow + pa, g->mem + pa, len);
}

/* test_kexec.c's layout of the kernel data and of a normal image */
#define RK_CERTS	0x100000ULL
#define RK_INFO		0x104000ULL
#define RK_DATA		0x105000ULL
#define RK_PURG		0x108000ULL
#define RK_PURG_SIZE	0x10f000ULL
#define RK_PURG_END	0x110000ULL
#define RK_KIMG		0x200000ULL
#define RK_BLOB		0x400000ULL
#define RK_POOL		0x5000000ULL
#define RK_POOL_SIZE	0x4100000ULL
#define RK_DEST		0x1f800000ULL	/* beyond the 448 MiB guest */
#define RK_KVA(pa)	(0xffffffff80000000ULL + (pa))

static struct heki_range rk_rng(__u64 pa, __u64 epa, __u64 attr)
{
	return (struct heki_range){ RK_KVA(pa), pa, epa, attr };
}

/*
 * The real kexec flow: ProtectMemory of the kernel's kexec_purgatory,
 * LoadKData with the certificate that signed the Debian vmlinuz and a
 * kernel info extension naming that purgatory, the signed vmlinuz as the
 * kernel blob ('K' records), a normal image as kexec_file_load(2) builds
 * it (kexec_model.c, km_load()) and KexecValidate, which must accept it
 * (the oracle replays it, I3), then KexecValidate(0) unloads it.
 */
static int real_kexec(const char *dir, const char *data)
{
	size_t clen, klen, plen, vlen;
	__u64 psize, va = RK_KVA(RK_DATA);
	__u8 *cert = check_read_file(data, "signer.der", &clen);
	__u8 *kernel = check_read_file(data, "vmlinuz", &klen);
	__u8 *purg = check_read_file(data, "purgatory.ro", &plen);
	__u8 *ver = check_read_file(data, "version", &vlen);
	struct {
		struct heki_kernel_info ki;
		struct heki_kernel_info_ext x;
	} info;
	struct heki_kernel_symbol sym = { .value_offset = 0x100 };
	struct km_auth au = { 0 };
	struct km_image im;
	struct km_in in = { 0 };
	struct heki_range r[4];
	char why[256], vs[32] = "";
	struct guest *g;
	__s64 ret;
	size_t i;
	__u64 dest = 0, kmem, kbuf, kern16;

	memcpy(vs, ver, vlen < sizeof(vs) - 1 ? vlen : sizeof(vs) - 1);
	au.kernel = kernel;
	au.kernel_len = klen;
	au.purgatory = purg;
	au.purgatory_len = plen;
	au.version = (__u32)strtoul(vs, NULL, 16);
	if (plen > RK_PURG_SIZE - RK_PURG || klen > RK_POOL - RK_BLOB) {
		fprintf(stderr, "gen_seeds: purgatory or kernel too large\n");
		return 1;
	}
	g = begin(dir, "real-kexec");
	oracle_kexec_replay(g, km_replay_chain, &au);

	r[0] = rk_rng(RK_PURG, RK_PURG_END, 1);
	guest_write(g, RK_PURG, purg, plen);
	psize = plen;
	guest_write(g, RK_PURG_SIZE, &psize, sizeof(psize));
	guest_chain(g, CHAIN_PA, r, 1, 0);
	ret = guest_call(g, ID(PROTECT_MEMORY), CHAIN_PA, 1, 0);
	if (ret)
		die(g, "ProtectMemory", ret);

	guest_write(g, RK_CERTS, cert, clen);
	sym.name_offset = (__s32)(RK_DATA + 0x100 - (RK_DATA + 4));
	guest_write(g, RK_DATA, &sym, sizeof(sym));
	sym.name_offset = (__s32)(RK_DATA + 0x110 - (RK_DATA + 12 + 4));
	guest_write(g, RK_DATA + 12, &sym, sizeof(sym));
	guest_write(g, RK_DATA + 0x100, "printk", 7);
	guest_write(g, RK_DATA + 0x110, "gpl_only", 9);
	memset(&info, 0, sizeof(info));
	info.ki.ksymtab_start = va;
	info.ki.ksymtab_end = va + 12;
	info.ki.ksymtab_gpl_start = va + 12;
	info.ki.ksymtab_gpl_end = va + 24;
	info.x.magic = HEKI_KERNEL_INFO_EXT_MAGIC;
	info.x.size = HEKI_KERNEL_INFO_EXT_SIZE;
	info.x.linux_version = au.version;
	info.x.text_start = RK_KVA(0x1000000ULL);
	info.x.text_end = RK_KVA(0x2000000ULL);
	info.x.return_thunk = RK_KVA(0x1000000ULL);
	info.x.kexec_purgatory = RK_KVA(RK_PURG);
	info.x.kexec_purgatory_size = RK_KVA(RK_PURG_SIZE);
	guest_write(g, RK_INFO, &info, sizeof(info));
	r[0] = rk_rng(RK_CERTS, RK_CERTS + clen, HEKI_KDATA_SYSTEM_CERTS_VALUE);
	r[1] = rk_rng(RK_INFO, RK_INFO + sizeof(info),
		      HEKI_KDATA_KERNEL_INFO_VALUE);
	r[2] = rk_rng(RK_DATA, RK_DATA + 0x200, HEKI_KDATA_KERNEL_DATA_VALUE);
	r[3] = rk_rng(RK_PURG, RK_PURG_END, HEKI_KDATA_KERNEL_DATA_VALUE);
	guest_chain(g, CHAIN_PA, r, 4, 0);
	ret = guest_call(g, ID(LOAD_KDATA), CHAIN_PA, 4, 0);
	if (ret)
		die(g, "LoadKData", ret);

	guest_write(g, RK_BLOB, kernel, klen);
	put_kernel(g, RK_BLOB, 0, klen);
	in.kernel = kernel;
	in.kernel_len = klen;
	in.purgatory = purg;
	in.purgatory_len = plen;
	in.cmdline = "console=ttyS0";
	in.version = au.version;
	in.dest = RK_DEST;
	in.pool = RK_POOL;
	in.pool_end = RK_POOL + RK_POOL_SIZE;
	in.image_pa = RK_KIMG;
	if (km_load(g, &in, &im, why, sizeof(why))) {
		fprintf(stderr, "gen_seeds: km_load: %s\n", why);
		return 1;
	}
	/* The kernel segment's source pages: 'K' records. */
	kmem = im.ki.segment[im.kseg].mem;
	kbuf = im.ki.segment[im.kseg].bufsz;
	kern16 = ((__u64)(kernel[0x1f1] ? kernel[0x1f1] : 4) + 1) * 512;
	for (i = 0; i < im.nlist; i++) {
		__u64 e = im.list[i], pa = e & ~0xfffULL;

		if ((e & 0xfff) == 0x1)
			dest = pa;
		if ((e & 0xfff) != 0x8)
			continue;
		if (dest >= kmem && dest < kmem + kbuf)
			put_kernel(g, pa, kern16 + dest - kmem,
				   kbuf - (dest - kmem) < HEKI_PAGE_SIZE ?
				   kbuf - (dest - kmem) : HEKI_PAGE_SIZE);
		dest += HEKI_PAGE_SIZE;
	}
	r[0] = rk_rng(RK_KIMG, RK_KIMG + sizeof(struct heki_kimage),
		      HEKI_KEXEC_IMAGE_VALUE);
	r[1] = rk_rng(RK_BLOB, RK_BLOB + klen, HEKI_KEXEC_KERNEL_BLOB_VALUE);
	r[2] = rk_rng(RK_POOL, RK_POOL + RK_POOL_SIZE, HEKI_KEXEC_PAGES_VALUE);
	guest_chain(g, CHAIN_PA, r, 3, 0);
	ret = guest_call(g, ID(KEXEC_VALIDATE), CHAIN_PA, 3, 0);
	if (ret)
		die(g, "KexecValidate", ret);
	if (oracle_kexec_unreplayed(g))
		die(g, "KexecValidate not replayed", 0);
	ret = guest_call(g, ID(KEXEC_VALIDATE), 0, 0, 0);
	if (ret)
		die(g, "KexecValidate(0)", ret);
	end(g);
	km_image_free(&im);
	free(cert);
	free(kernel);
	free(purg);
	free(ver);
	return 0;
}

int main(int argc, char **argv)
{
	struct guest *g;
	struct heki_range r[3];
	struct heki_cpu_mask m = { .bits = { 0xF, 0 } };
	char path[512];
	int i;

	if (argc != 2 && argc != 3)
		return 2;
	shadow = calloc(1, GUEST_MEM_SIZE);
	if (argc == 3) {
		scan_end = RK_POOL + RK_POOL_SIZE;
		return real_seeds(argv[1], argv[2]) ||
		       real_kexec(argv[1], argv[2]);
	}

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
