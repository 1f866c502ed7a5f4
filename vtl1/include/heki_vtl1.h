/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * heki_vtl1.h - public API of the freestanding VTL1 validator library.
 *
 * The library answers HEKI/VSM VTL calls made by a VTL0 Linux kernel. An
 * embedder (a secure kernel, the host test harness, a fuzzer, or the
 * loopback transport inside heki_vtl0.ko) creates one instance with
 * heki_vtl1_create(), feeds it the four VTL call registers through
 * heki_vtl1_dispatch() and stores the returned value in VTL0's R8.
 *
 * Everything the library needs from its host comes through
 * struct heki_vtl1_platform. The library never touches VTL0 memory except
 * through the copy callbacks, and VTL0 physical addresses have their own
 * sparse-checked type (heki_gpa_t) so that they cannot be dereferenced or
 * mixed with VTL1 addresses by accident.
 */
#ifndef HEKI_VTL1_H
#define HEKI_VTL1_H

#include <heki/abi.h>

/**
 * typedef heki_gpa_t - a VTL0 guest physical address (byte granular)
 *
 * Bitwise under sparse: only heki_gpa() and heki_gpa_val() convert to and
 * from plain integers, so a VTL0 address cannot be used as a VTL1 pointer
 * or integer without an explicit, greppable conversion.
 */
typedef __u64 __bitwise heki_gpa_t;

/**
 * heki_gpa() - make a heki_gpa_t from a raw physical address
 * @pa: byte physical address in VTL0's guest physical address space
 *
 * Return: @pa as a heki_gpa_t.
 */
static inline heki_gpa_t heki_gpa(__u64 pa)
{
	return (__force heki_gpa_t)pa;
}

/**
 * heki_gpa_val() - the raw value of a heki_gpa_t
 * @gpa: a VTL0 guest physical address
 *
 * Return: @gpa as a plain integer (for arithmetic and logging only).
 */
static inline __u64 heki_gpa_val(heki_gpa_t gpa)
{
	return (__force __u64)gpa;
}

/*
 * Mapped VTL0 memory, if an embedder hands such a pointer around, lives in
 * its own sparse address space: sparse rejects any dereference, so every
 * access has to go through a copy primitive. The library itself never
 * uses mapped VTL0 memory.
 */
#ifdef __CHECKER__
#define __heki_vtl0 __attribute__((noderef, address_space(__heki_vtl0)))
#else
#define __heki_vtl0
#endif

/*
 * printf format checking of the log callback: the kernel's __printf, so
 * the kbuild of the library checks every format string it passes.
 */
#ifdef __printf
#define HEKI_VTL1_PRINTF(f, a)	__printf(f, a)
#else
#define HEKI_VTL1_PRINTF(f, a)
#endif

/*
 * Limits. Every count VTL0 sends is checked against one of these before
 * any arithmetic or allocation uses it.
 */

/* Total heki_range entries one VTL call may carry (all pages together). */
#define HEKI_VTL1_MAX_RANGES		32768U
/* Entries in the protection map (merged runs of guest frames). */
#define HEKI_VTL1_MAX_PROT_ENTRIES	262144U
/* Live modules (ValidateModule tokens not yet unloaded). */
#define HEKI_VTL1_MAX_MODULES		4096U
/* Precomputed text patch sites (kernel and modules together). */
#define HEKI_VTL1_MAX_PATCH_SITES	65536U
/* Bytes of kernel data (certificates, kernel info, symbols, patch info). */
#define HEKI_VTL1_MAX_KDATA_SIZE	(64ULL << 20)
/* Bytes of a kexec image or kernel blob. */
#define HEKI_VTL1_MAX_KEXEC_SIZE	(256ULL << 20)
/* The kernel's kexec_purgatory ELF LoadKData keeps (Debian's: 16-21 KiB) */
#define HEKI_VTL1_MAX_PURGATORY_SIZE	(256ULL << 10)
/* Bytes of the VTL1 log ring buffer in VTL0 memory. */
#define HEKI_VTL1_MAX_RINGBUF_SIZE	(64ULL << 20)
/* Highest VP index BootAPs accepts (the CPU mask is 128 bits). */
#define HEKI_VTL1_MAX_VPS		128U

/**
 * enum heki_vtl1_log_level - severity passed to heki_vtl1_platform.log
 * @HEKI_VTL1_LOG_ERR: a VTL call failed; the message names the error
 * @HEKI_VTL1_LOG_WARN: something VTL0 should know about (e.g. a check that
 *	did not run, such as the module content comparison)
 * @HEKI_VTL1_LOG_INFO: normal progress (one line per state change)
 * @HEKI_VTL1_LOG_DEBUG: detailed tracing
 */
enum heki_vtl1_log_level {
	HEKI_VTL1_LOG_ERR = 0,
	HEKI_VTL1_LOG_WARN = 1,
	HEKI_VTL1_LOG_INFO = 2,
	HEKI_VTL1_LOG_DEBUG = 3,
};

/**
 * struct heki_vtl1_phys_range - a run of physical memory VTL1 owns
 * @pa: first byte (page aligned)
 * @size: length in bytes (a multiple of HEKI_PAGE_SIZE, non-zero)
 *
 * The library refuses every VTL call that would copy from, write to or
 * change VTL0's access to any byte of these ranges.
 */
struct heki_vtl1_phys_range {
	__u64 pa;
	__u64 size;
};

/**
 * enum heki_vtl1_hash - digest algorithms of the crypto primitives
 * @HEKI_VTL1_HASH_NONE: no algorithm (never valid)
 * @HEKI_VTL1_HASH_SHA256: SHA-256, 32-byte digest
 * @HEKI_VTL1_HASH_SHA384: SHA-384, 48-byte digest
 * @HEKI_VTL1_HASH_SHA512: SHA-512, 64-byte digest
 */
enum heki_vtl1_hash {
	HEKI_VTL1_HASH_NONE = 0,
	HEKI_VTL1_HASH_SHA256 = 1,
	HEKI_VTL1_HASH_SHA384 = 2,
	HEKI_VTL1_HASH_SHA512 = 3,
};

/* Largest digest of any enum heki_vtl1_hash algorithm, in bytes */
#define HEKI_VTL1_HASH_MAX_SIZE	64

/**
 * heki_vtl1_hash_size() - digest size of an algorithm
 * @alg: an enum heki_vtl1_hash value
 *
 * Return: 32, 48 or 64, or 0 if @alg is not a supported algorithm.
 */
static inline __u32 heki_vtl1_hash_size(__u32 alg)
{
	switch (alg) {
	case HEKI_VTL1_HASH_SHA256:
		return 32;
	case HEKI_VTL1_HASH_SHA384:
		return 48;
	case HEKI_VTL1_HASH_SHA512:
		return 64;
	default:
		return 0;
	}
}

/**
 * struct heki_vtl1_crypto - signature verification provider
 * @ctx: opaque pointer passed back as the first argument of every callback
 * @keyring_create: create an empty keyring in *@kr; 0 or -HEKI_VSM_ERR_*
 * @keyring_add_cert: add one DER X.509 certificate (@der, @len bytes) to
 *	@kr; 0 or -HEKI_VSM_ERR_*
 * @keyring_destroy: free a keyring made by @keyring_create
 * @verify_pkcs7: verify the detached PKCS#7 signature @p7 (@p7len bytes)
 *	over @data (@len bytes) with any certificate of @kr as the signer;
 *	0 when it verifies, otherwise -HEKI_VSM_ERR_* (e.g. key rejected,
 *	unsupported algorithm, malformed signature)
 * @digest: hash @len bytes at @data with @alg (enum heki_vtl1_hash) into
 *	@out, which has room for @outlen bytes; returns the digest size
 *	(32, 48 or 64), -HEKI_VSM_ERR_SIG_UNSUPPORTED for another @alg,
 *	-HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT if @outlen is too small or
 *	-HEKI_VSM_ERR_CRYPTO_DIGEST_FAILED
 * @find_cert: find the next certificate of @kr whose issuer Name (the
 *	exact DER of the SEQUENCE, @issuer, @issuer_len bytes) and serial
 *	number (the INTEGER's content octets as DER encodes them, with the
 *	0x00 pad when the top bit is set: @serial, @serial_len bytes) are
 *	the given ones.
 *	*@pos is a cursor: 0 starts at the first certificate, and on success
 *	it is set so that the next call continues after the match. On success
 *	*@cert is a handle owned by @kr (valid until @keyring_destroy) and 0
 *	is returned; when no further certificate matches, the result is
 *	-HEKI_VSM_ERR_SIG_NO_KEY if @kr holds no usable key at all (an RSA
 *	key, or an EC key on NIST P-256 or P-384 as an uncompressed point),
 *	otherwise -HEKI_VSM_ERR_CRYPTO_CERT_NOT_FOUND
 * @rsa_pkcs1_verify: verify the RSA PKCS#1 v1.5 signature @sig (@siglen
 *	bytes) of the @alg digest @digest (@dlen bytes, the digest size of
 *	@alg) with the public key of @cert (a @find_cert handle). Returns 0
 *	when it verifies, -HEKI_VSM_ERR_SIG_KEY_REJECTED when it does not,
 *	-HEKI_VSM_ERR_SIG_NO_KEY if the certificate has no RSA key,
 *	-HEKI_VSM_ERR_SIG_UNSUPPORTED for another @alg,
 *	-HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT if @dlen is not @alg's size
 * @ecdsa_verify: verify the ECDSA signature @sig (@siglen bytes, one DER
 *	ECDSA-Sig-Value, SEQUENCE { r INTEGER, s INTEGER }) of the @alg
 *	digest @digest (@dlen bytes, the digest size of @alg) with the
 *	public key of @cert (a @find_cert handle), a NIST P-256 or P-384
 *	key. Checks in order: -HEKI_VSM_ERR_SIG_UNSUPPORTED for another
 *	@alg; -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT if @dlen is not @alg's size;
 *	-HEKI_VSM_ERR_SIG_NO_KEY if the certificate has no such key;
 *	-HEKI_VSM_ERR_SIG_PARSE_FAILED if @sig is not exactly one strict DER
 *	ECDSA-Sig-Value (minimal non-negative INTEGERs, nothing after);
 *	-HEKI_VSM_ERR_SIG_KEY_REJECTED when it does not verify (r or s zero
 *	or not below the curve order included); 0 when it verifies.
 *	Optional: a provider without it (NULL) refuses ECDSA-signed modules
 *	as -HEKI_VSM_ERR_SIG_UNSUPPORTED.
 * @digest_chunks: like @digest, over the concatenation of the chunks
 *	@next returns, in order: each call of @next, given @arg and where
 *	to store a chunk's address and length, returns 1 with the next
 *	chunk (possibly empty), 0 after the last one, or a negative
 *	-HEKI_VSM_ERR_* code, which ends
 *	the digest and is returned as is. The provider keeps no state
 *	between calls; VTL1 uses it for digests of more bytes than it holds
 *	at once (the kexec segments purgatory checks). NULL if the provider
 *	has none: KexecValidate then refuses (KEXEC_DIGEST_UNAVAILABLE)
 *
 * All buffers are VTL1 copies. Callbacks run under the instance lock.
 * @digest, @find_cert, @rsa_pkcs1_verify and @ecdsa_verify are the
 * primitives parsers built on the DER reader (Authenticode, the
 * freestanding provider's PKCS#7) use; every provider implements the
 * first three, and both of the library's providers all four.
 */
struct heki_vtl1_crypto {
	void *ctx;
	int (*keyring_create)(void *ctx, void **kr);
	int (*keyring_add_cert)(void *ctx, void *kr, const __u8 *der,
				__u64 len);
	void (*keyring_destroy)(void *ctx, void *kr);
	int (*verify_pkcs7)(void *ctx, void *kr, const __u8 *data, __u64 len,
			    const __u8 *p7, __u64 p7len);
	int (*digest)(void *ctx, __u32 alg, const __u8 *data, __u64 len,
		      __u8 *out, __u32 outlen);
	int (*find_cert)(void *ctx, void *kr, const __u8 *issuer,
			 __u32 issuer_len, const __u8 *serial, __u32 serial_len,
			 __u32 *pos, void **cert);
	int (*rsa_pkcs1_verify)(void *ctx, void *cert, __u32 alg,
				const __u8 *digest, __u32 dlen,
				const __u8 *sig, __u32 siglen);
	int (*ecdsa_verify)(void *ctx, void *cert, __u32 alg,
			    const __u8 *digest, __u32 dlen,
			    const __u8 *sig, __u32 siglen);
	int (*digest_chunks)(void *ctx, __u32 alg,
			     int (*next)(void *arg, const __u8 **data,
					 __u64 *len),
			     void *arg, __u8 *out, __u32 outlen);
};

/**
 * struct heki_vtl1_platform - what the embedder provides
 * @ctx: opaque pointer passed back as the first argument of every callback
 * @copy_from_vtl0: copy @len bytes at VTL0 physical address @src into the
 *	VTL1 buffer @dst; 0 on success, non-zero if any byte cannot be read
 *	(the library never calls it for @len == 0, for a range that wraps or
 *	reaches 2^52, or for one overlapping @vtl1_ranges)
 * @copy_to_vtl0: copy @len bytes from @src to VTL0 physical address @dst;
 *	0 on success, non-zero on failure (same guarantees as above)
 * @modify_vtl_protection: set VTL0's access to the @npages guest pages
 *	starting at page-aligned @gpa to @prot (HvCallModifyVtlProtectionMask,
 *	batched as the hypervisor needs); HV_STATUS_SUCCESS or the failing
 *	status. @npages is never 0.
 * @get_vtl0_register: read the VTL0 register @name (a Hyper-V register
 *	name) of the current VP into *@value
 * @set_intercept_register: write the VTL1 register @name (intercept
 *	control and masks) of the current VP
 * @enable_vp_vtl: enable VTL1 on VP @vp_index (HvCallEnableVpVtl with the
 *	embedder's AP start context); HV_STATUS_SUCCESS or the failing status
 * @vtl1_ranges: physical ranges VTL1 owns (copied at create time)
 * @nr_vtl1_ranges: number of entries in @vtl1_ranges
 * @alloc: allocate @size bytes of zeroed VTL1 memory; NULL on failure.
 *	Sizes are bounded by the limits above, never by raw VTL0 values.
 * @free: free memory from @alloc (NULL is allowed)
 * @lock: take the instance lock (held for one whole VTL call; it may sleep
 *	if the embedder allows sleeping in the other callbacks)
 * @unlock: release the instance lock
 * @log: printf-style message (%s %d %u %x %llx %lld %llu %p only); the
 *	embedder formats it
 * @crypto: signature verification provider (required)
 * @alloc_uninit: optional: like @alloc, but the contents of the memory are
 *	unspecified (not zeroed); freed with @free. The library asks for it
 *	only for buffers it writes completely before reading them (copies of
 *	VTL0 memory, the expected bytes of a module), and uses @alloc when it
 *	is NULL. Sizes are bounded as for @alloc.
 *
 * Every callback except @log, @lock and @unlock may fail; the library turns
 * each failure into an error for the current VTL call and never retries.
 */
struct heki_vtl1_platform {
	void *ctx;
	int (*copy_from_vtl0)(void *ctx, void *dst, heki_gpa_t src, __u64 len);
	int (*copy_to_vtl0)(void *ctx, heki_gpa_t dst, const void *src,
			    __u64 len);
	hv_status_t (*modify_vtl_protection)(void *ctx, heki_gpa_t gpa,
					     __u64 npages, hv_page_prot_t prot);
	hv_status_t (*get_vtl0_register)(void *ctx, __u32 name, __u64 *value);
	hv_status_t (*set_intercept_register)(void *ctx, __u32 name,
					      __u64 value);
	hv_status_t (*enable_vp_vtl)(void *ctx, __u32 vp_index);
	const struct heki_vtl1_phys_range *vtl1_ranges;
	__u32 nr_vtl1_ranges;
	void *(*alloc)(void *ctx, __u64 size);
	void (*free)(void *ctx, void *ptr);
	void (*lock)(void *ctx);
	void (*unlock)(void *ctx);
	void (*log)(void *ctx, int level, const char *fmt, ...)
		HEKI_VTL1_PRINTF(3, 4);
	const struct heki_vtl1_crypto *crypto;
	void *(*alloc_uninit)(void *ctx, __u64 size);
};

/**
 * enum heki_vtl1_owner - who holds the protection of a guest frame
 * @HEKI_VTL1_OWNER_NONE: VTL0 has its default access (never protected, or
 *	released by the call that owned it)
 * @HEKI_VTL1_OWNER_KERNEL: ProtectMemory; never loosened
 * @HEKI_VTL1_OWNER_KDATA: a LoadKData kexec trampoline; never loosened
 * @HEKI_VTL1_OWNER_MODULE: a module's memory (token in the owner id);
 *	loosened by FreeModuleInit / UnloadModule of that token
 * @HEKI_VTL1_OWNER_KEXEC: kexec pages; loosened by the next KexecValidate
 * @HEKI_VTL1_OWNER_KEXEC_CRASH: crash kexec pages; loosened by the next
 *	crash KexecValidate
 * @HEKI_VTL1_OWNER_RINGBUF: the VTL1 log ring buffer; never loosened
 */
enum heki_vtl1_owner {
	HEKI_VTL1_OWNER_NONE = 0,
	HEKI_VTL1_OWNER_KERNEL,
	HEKI_VTL1_OWNER_KDATA,
	HEKI_VTL1_OWNER_MODULE,
	HEKI_VTL1_OWNER_KEXEC,
	HEKI_VTL1_OWNER_KEXEC_CRASH,
	HEKI_VTL1_OWNER_RINGBUF,
};

/**
 * struct heki_vtl1_frame_info - what VTL1 records about one guest frame
 * @owner: an enum heki_vtl1_owner value
 * @prot: the VTL0 access VTL1 last set (HV_PAGE_* bits); meaningful only
 *	when @tracked is non-zero
 * @tracked: non-zero if VTL1 has ever changed this frame's protection
 * @reserved: zero
 * @id: module token for HEKI_VTL1_OWNER_MODULE, otherwise 0
 */
struct heki_vtl1_frame_info {
	__u32 owner;
	__u32 prot;
	__u32 tracked;
	__u32 reserved;
	__s64 id;
};

struct heki_vtl1;

/**
 * heki_vtl1_create() - create a validator instance
 * @p: platform callbacks; the structure is copied, the callbacks and
 *	@p->crypto must stay valid until heki_vtl1_destroy()
 * @out: receives the new instance
 *
 * Checks that every mandatory callback is present and that the VTL1-owned
 * ranges (at most 64) are page aligned, non-empty, below 2^52 and do not
 * wrap; copies the platform structure and the ranges.
 *
 * Return: 0, -HEKI_VSM_ERR_PLATFORM_INVALID or -HEKI_VSM_ERR_NO_MEMORY.
 */
int heki_vtl1_create(const struct heki_vtl1_platform *p,
		     struct heki_vtl1 **out);

/**
 * heki_vtl1_destroy() - release every resource of an instance
 * @v: instance from heki_vtl1_create(), or NULL
 *
 * Frees all VTL1 state (keyring, symbol tables, patch sites, modules,
 * protection map). It does not change VTL0 page protections (VTL0 access
 * stays as the last VTL call left it).
 */
void heki_vtl1_destroy(struct heki_vtl1 *v);

/**
 * heki_vtl1_dispatch() - handle one VTL call
 * @v: instance
 * @rdi: function ID (low 32 bits used, VSM_VTL_CALL_FUNC_ID_*)
 * @rsi: first argument
 * @rdx: second argument
 * @r8: third argument
 *
 * Runs the handler of the function ID under the instance lock. Every
 * argument and every byte read from VTL0 is treated as hostile. Each
 * failure is logged with the error's name, e.g.
 * ``PROTECT_MEMORY: RANGE_IN_VTL1 (range overlaps VTL1 memory)``.
 *
 * Return: the value for VTL0's R8: 0 or a module token (>= 0) on success,
 * -errno (Linux numbers, HEKI_E*) on failure: -EINVAL for an unknown ID,
 * -EOPNOTSUPP (95, LiteBox's OperationNotSupported) for OpteeMessage.
 */
__s64 heki_vtl1_dispatch(struct heki_vtl1 *v, __u64 rdi, __u64 rsi,
			 __u64 rdx, __u64 r8);

/**
 * heki_vtl1_end_of_boot() - whether SignalEndOfBoot has been received
 * @v: instance
 *
 * Return: 1 after SignalEndOfBoot, else 0.
 */
int heki_vtl1_end_of_boot(struct heki_vtl1 *v);

/**
 * heki_vtl1_certs_loaded() - whether LoadKData installed the keyring
 * @v: instance
 *
 * Return: number of system certificates loaded (0 if none).
 */
__u32 heki_vtl1_certs_loaded(struct heki_vtl1 *v);

/**
 * heki_vtl1_last_error() - why the last dispatched call failed
 * @v: instance
 *
 * The wire carries only the errno (abi.rst, Error codes); an embedder that
 * reports VTL1's verdicts in words takes the code from here, right after
 * heki_vtl1_dispatch() returned and before the next call.
 *
 * Return: the enum heki_vsm_error of the last call (heki_vsm_error_name()
 * and heki_vsm_error_message() give its words), HEKI_VSM_OK when it
 * succeeded or before any call.
 */
__u32 heki_vtl1_last_error(struct heki_vtl1 *v);

/**
 * heki_vtl1_mode() - the mode LoadKData recorded
 * @v: instance
 *
 * VTL1 validates, refuses and protects the same in both modes; in
 * permissive mode heki_vtl0 loads a module VTL1 refused, unprotected
 * (VTL1 holds no token and protects none of its frames). An embedder that
 * reports the guest's state reports this mode with it.
 *
 * Return: HEKI_MODE_PERMISSIVE when the first successful LoadKData carried
 * that Mode, else HEKI_MODE_ENFORCE (also before LoadKData).
 */
__u32 heki_vtl1_mode(struct heki_vtl1 *v);

/**
 * heki_vtl1_nr_modules() - number of live module tokens
 * @v: instance
 *
 * Return: modules validated and not yet unloaded.
 */
__u32 heki_vtl1_nr_modules(struct heki_vtl1 *v);

/**
 * heki_vtl1_nr_patch_sites() - number of precomputed text patch sites
 * @v: instance
 *
 * Return: patch sites PatchText currently accepts (kernel and modules).
 */
__u32 heki_vtl1_nr_patch_sites(struct heki_vtl1 *v);

/**
 * heki_vtl1_locked_reg() - a VTL0 register value LockRegs pinned
 * @v: instance
 * @name: Hyper-V register name (HV_REGISTER_CR0, _CR4, _LSTAR, _STAR,
 *	_CSTAR, _APIC_BASE, _EFER, _SYSENTER_CS/_ESP/_EIP, _SFMASK)
 * @value: receives the value the most recent successful LockRegs read
 *
 * For the embedder's intercept handler, which decides whether a VTL0
 * write to a pinned register may proceed.
 *
 * Return: 1 if @name is pinned and LockRegs has run, else 0.
 */
int heki_vtl1_locked_reg(struct heki_vtl1 *v, __u32 name, __u64 *value);

/**
 * heki_vtl1_ringbuf() - the ring buffer AllocateRingbufferMemory set
 * @v: instance
 * @pa: receives its VTL0 physical address
 * @size: receives its size in bytes
 *
 * The library only records and write-protects the buffer; an embedder that
 * wants VTL0 to read VTL1 messages writes them there itself.
 *
 * Return: 1 if a buffer is set, else 0 (and *@pa, *@size are 0).
 */
int heki_vtl1_ringbuf(struct heki_vtl1 *v, __u64 *pa, __u64 *size);

/**
 * heki_vtl1_get_frame_info() - what VTL1 recorded about one guest frame
 * @v: instance
 * @pfn: guest frame number
 * @out: filled with owner, protection and module token
 */
void heki_vtl1_get_frame_info(struct heki_vtl1 *v, __u64 pfn,
			      struct heki_vtl1_frame_info *out);

#endif /* HEKI_VTL1_H */
