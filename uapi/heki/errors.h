/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * HEKI wire ABI: the error model.
 *
 * A VTL call fails by returning -errno in R8, with Linux errno numbers.
 * VTL1 has no <errno.h>, so the numbers are defined here (HEKI_E*); the
 * kernel build of tests/abi/kbuild asserts each equals the kernel's E*.
 *
 * The named error codes (LiteBox's VsmError and VerificationError, plus
 * whatever the hardened VTL1 adds) are each written once, in an X-macro
 * list whose entries carry the name, the wire errno and a message. The
 * enum, the errno table, the name table and the message table are all
 * generated from that list, so they cannot drift apart.
 */
#ifndef _UAPI_HEKI_ERRORS_H
#define _UAPI_HEKI_ERRORS_H

#include "types.h"

/* Linux errno numbers (asm-generic/errno-base.h, asm-generic/errno.h). */
#define HEKI_EPERM		1
#define HEKI_ENOENT		2
#define HEKI_EIO		5
#define HEKI_E2BIG		7
#define HEKI_ENOMEM		12
#define HEKI_EACCES		13
#define HEKI_EFAULT		14
#define HEKI_EBUSY		16
#define HEKI_EEXIST		17
#define HEKI_EINVAL		22
#define HEKI_ENOSPC		28
#define HEKI_ERANGE		34
#define HEKI_ELOOP		40
#define HEKI_ENODATA		61
#define HEKI_ENOPKG		65
#define HEKI_EBADMSG		74
#define HEKI_EOVERFLOW		75
#define HEKI_ELIBBAD		80
#define HEKI_EOPNOTSUPP		95
#define HEKI_ENOTSUP		HEKI_EOPNOTSUPP
#define HEKI_ENOKEY		126
#define HEKI_EKEYREJECTED	129

/*
 * X(NAME, errno, "message"): every VSM error. The first 42 entries are
 * LiteBox's VsmError variants (same meaning, same errno). Append new
 * entries at the end, one line each; never reorder or reuse a line. Then
 * run scripts/abi-dump.sh --update (tests/abi/abi.dump and the errno table
 * in Documentation/abi.rst) and make rust-gen (rust/heki_abi), and commit
 * those with the header.
 *
 * SIGNATURE_VERIFICATION_FAILED carries a VerificationError in LiteBox
 * and takes that error's errno on the wire (heki_verify_error_errno());
 * the errno listed here is the one used when no inner error is known.
 */
#define HEKI_VSM_ERROR_LIST(X)						\
	X(BOOT_SIGNAL_PAGE_COPY_FAILED, HEKI_EFAULT, "cannot read the boot signal page") \
	X(AP_INIT_FAILED, HEKI_EIO, "enabling VTL1 on an application processor failed") \
	X(BOOT_SIGNAL_WRITE_FAILED, HEKI_EFAULT, "cannot write the boot signal page back") \
	X(CPU_ONLINE_MASK_COPY_FAILED, HEKI_EFAULT, "cannot read the online CPU mask") \
	X(CODE_PAGE_OFFSET_OVERFLOW, HEKI_ERANGE, "VTL return address overflows") \
	X(OPERATION_AFTER_END_OF_BOOT, HEKI_EPERM, "call refused after end of boot") \
	X(INVALID_INPUT_ADDRESS, HEKI_EFAULT, "bad input address or count") \
	X(ADDRESS_NOT_PAGE_ALIGNED, HEKI_EINVAL, "address not 4 KiB aligned") \
	X(INVALID_PHYSICAL_ADDRESS, HEKI_EFAULT, "physical address out of range") \
	X(MEMORY_ATTRIBUTE_INVALID, HEKI_EINVAL, "unknown memory attribute bits") \
	X(HEKI_PAGES_COPY_FAILED, HEKI_EFAULT, "cannot read or validate the heki_page chain") \
	X(KERNEL_DATA_TYPE_INVALID, HEKI_EINVAL, "unknown kernel data type") \
	X(MODULE_MEMORY_TYPE_INVALID, HEKI_EINVAL, "unknown module memory type") \
	X(SYSTEM_CERTIFICATES_NOT_LOADED, HEKI_EACCES, "no system certificates loaded yet") \
	X(SYSTEM_CERTIFICATES_NOT_FOUND, HEKI_ENOENT, "kernel data holds no system certificates") \
	X(SYSTEM_CERTIFICATES_INVALID, HEKI_EACCES, "no usable system certificate") \
	X(CERTIFICATE_DER_LENGTH_INVALID, HEKI_EINVAL, "certificate DER length exceeds the data") \
	X(CERTIFICATE_PARSE_FAILED, HEKI_EINVAL, "certificate does not parse") \
	X(MODULE_ELF_SIZE_EXCEEDED, HEKI_ERANGE, "module image larger than MODULE_VALIDATION_MAX_SIZE") \
	X(MODULE_RELOCATION_INVALID, HEKI_EINVAL, "module text differs from its ELF outside relocations") \
	X(MODULE_TOKEN_INVALID, HEKI_EINVAL, "unknown module token") \
	X(KERNEL_SYMBOL_TABLE_NOT_FOUND, HEKI_ENOENT, "kernel info or kernel data missing") \
	X(KEXEC_TYPE_INVALID, HEKI_EINVAL, "unknown kexec range type") \
	X(KEXEC_IMAGE_SEGMENTS_INVALID, HEKI_EINVAL, "kimage segment count out of range") \
	X(KEXEC_SEGMENT_RANGE_INVALID, HEKI_ERANGE, "kexec segment range overflows") \
	X(PRECOMPUTED_PATCH_NOT_FOUND, HEKI_ENOENT, "no precomputed patch for this address") \
	X(TEXT_PATCH_SUSPICIOUS, HEKI_EACCES, "text patch does not match its precomputed patch") \
	X(OPERATION_NOT_SUPPORTED, HEKI_EOPNOTSUPP, "call not supported") \
	X(VTL0_COPY_FAILED, HEKI_EFAULT, "copy from or to VTL0 memory failed") \
	X(HYPERCALL_FAILED, HEKI_EIO, "hypercall failed") \
	X(SIGNATURE_VERIFICATION_FAILED, HEKI_EKEYREJECTED, "signature verification failed") \
	X(BUFFER_TOO_SMALL, HEKI_ERANGE, "buffer shorter than the structure it must hold") \
	X(INVALID_VIRTUAL_ADDRESS, HEKI_EFAULT, "virtual address not canonical") \
	X(DISCONTIGUOUS_MEMORY_RANGE, HEKI_EFAULT, "ranges not contiguous in virtual memory") \
	X(SYMBOL_TABLE_EMPTY, HEKI_EINVAL, "symbol table data empty") \
	X(SYMBOL_TABLE_OUT_OF_RANGE, HEKI_ERANGE, "symbol table outside the kernel data") \
	X(SYMBOL_TABLE_LENGTH_INVALID, HEKI_EINVAL, "symbol table length not a multiple of the entry size") \
	X(SYMBOL_PARSE_FAILED, HEKI_EINVAL, "symbol entry does not parse") \
	X(SYMBOL_NAME_OFFSET_INVALID, HEKI_EINVAL, "symbol name offset outside the kernel data") \
	X(SYMBOL_NAME_NO_TERMINATOR, HEKI_EINVAL, "symbol name not NUL-terminated") \
	X(SYMBOL_NAME_TOO_LONG, HEKI_ERANGE, "symbol name longer than HEKI_KSYM_NAME_LEN - 1") \
	X(SYMBOL_NAME_INVALID_UTF8, HEKI_EINVAL, "symbol name not valid UTF-8") \
	X(NO_MEMORY, HEKI_ENOMEM, "VTL1 out of memory") \
	X(MODSIG_NOT_FOUND, HEKI_ENODATA, "module signature magic missing") \
	X(MODSIG_TRAILER_TRUNCATED, HEKI_ELIBBAD, "module signature header truncated") \
	X(MODSIG_TRAILER_INVALID, HEKI_ELIBBAD, "module signature header not PKCS#7 with zero fields") \
	X(MODSIG_SIG_EMPTY, HEKI_ELIBBAD, "module signature length is zero") \
	X(MODSIG_SIG_TRUNCATED, HEKI_ELIBBAD, "module signature longer than the module") \
	X(SIG_PARSE_FAILED, HEKI_ELIBBAD, "PKCS#7 signature does not parse") \
	X(SIG_INVALID, HEKI_ELIBBAD, "PKCS#7 signature not detached SignedData") \
	X(SIG_NO_SIGNER, HEKI_ELIBBAD, "PKCS#7 signature has no signer") \
	X(SIG_UNSUPPORTED, HEKI_ENOPKG, "signature algorithm, digest or attributes unsupported") \
	X(SIG_NO_KEY, HEKI_ENOKEY, "no usable RSA or EC P-256/P-384 key among the system certificates") \
	X(SIG_KEY_REJECTED, HEKI_EKEYREJECTED, "no system certificate verifies the signature") \
	X(CERTIFICATES_TOO_MANY, HEKI_EINVAL, "more than HEKI_CERTS_MAX certificates") \
	X(KERNEL_INFO_TOO_SMALL, HEKI_ERANGE, "kernel info shorter than struct heki_kernel_info") \
	X(SYMBOL_TABLE_REGIONS_INVALID, HEKI_EINVAL, "kernel data ranges overlap, overflow or miscount") \
	X(SYMBOL_TABLE_REVERSED, HEKI_EINVAL, "symbol table end before start") \
	X(SYMBOL_TABLE_TOO_LARGE, HEKI_ERANGE, "symbol table over its entry or name limit") \
	X(SYMBOL_ENTRY_UNMAPPED, HEKI_ERANGE, "symbol entry not inside the kernel data") \
	X(SYMBOL_NOT_FOUND, HEKI_ENOENT, "symbol not in the table") \
	X(PATCH_INFO_TRUNCATED, HEKI_EINVAL, "patch info record truncated or trailing bytes") \
	X(PATCH_INFO_TYPE_INVALID, HEKI_EINVAL, "patch info type not jump label") \
	X(PATCH_INFO_EMPTY, HEKI_EINVAL, "patch info record without patches") \
	X(PATCH_INFO_COUNT_INVALID, HEKI_EINVAL, "patch info count above its capacity") \
	X(PATCH_INFO_TOO_MANY, HEKI_EINVAL, "more than HEKI_PATCHINFO_MAX_PATCHES patches") \
	X(PATCH_PA_NULL, HEKI_EINVAL, "text patch address is zero") \
	X(PATCH_PA_INVALID, HEKI_EINVAL, "text patch address beyond 2^52") \
	X(PATCH_PA1_UNALIGNED, HEKI_EINVAL, "text patch second page not page aligned") \
	X(PATCH_SIZE_INVALID, HEKI_EINVAL, "text patch size not 1..POKE_MAX_OPCODE_SIZE") \
	X(PATCH_PA_EQUAL, HEKI_EINVAL, "text patch addresses equal") \
	X(PATCH_PA1_MISSING, HEKI_EINVAL, "text patch crosses a page without a second address") \
	X(PATCH_PA1_UNEXPECTED, HEKI_EINVAL, "text patch within one page has a second address") \
	X(PATCH_PA1_SAME_PAGE, HEKI_EINVAL, "text patch second page is its first page") \
	X(KEXEC_IMAGE_TOO_SMALL, HEKI_ERANGE, "kexec image shorter than struct heki_kimage") \
	X(KEXEC_SEGMENT_PA_INVALID, HEKI_EFAULT, "kexec segment beyond 2^52") \
	X(KEXEC_SEGMENT_VA_INVALID, HEKI_EFAULT, "kexec segment buffer address not canonical") \
	X(PLATFORM_INVALID, HEKI_EINVAL, "platform interface incomplete or VTL1 ranges invalid") \
	X(TOO_MANY_RANGES, HEKI_E2BIG, "nranges above HEKI_VTL1_MAX_RANGES") \
	X(CHAIN_NEXT_INVALID, HEKI_EFAULT, "heki_page next_pa not a page-aligned physical address") \
	X(CHAIN_PAGE_NRANGES_INVALID, HEKI_EFAULT, "heki_page nranges is 0 or above HEKI_MAX_RANGES") \
	X(CHAIN_RANGES_EXCEED, HEKI_EFAULT, "heki_page chain carries more ranges than nranges") \
	X(RANGE_END_BEFORE_START, HEKI_EFAULT, "heki_range epa below pa") \
	X(RANGE_IN_VTL1, HEKI_EACCES, "range overlaps VTL1 memory") \
	X(RANGE_OWNED, HEKI_EBUSY, "frames protected by another owner") \
	X(PROT_LOOSEN, HEKI_EACCES, "request would loosen a protection") \
	X(RANGE_CONFLICT, HEKI_EINVAL, "ranges of one call overlap with different protections") \
	X(PROT_MAP_FULL, HEKI_ENOSPC, "protection map full") \
	X(KDATA_ALREADY_LOADED, HEKI_EEXIST, "kernel data already loaded") \
	X(KDATA_SIZE_EXCEEDED, HEKI_ERANGE, "kernel data larger than HEKI_VTL1_MAX_KDATA_SIZE") \
	X(MODULE_LIMIT, HEKI_ENOSPC, "too many live modules") \
	X(MODULE_TOKEN_EXHAUSTED, HEKI_EOVERFLOW, "module token counter exhausted") \
	X(PATCH_TABLE_FULL, HEKI_ENOSPC, "too many precomputed patch sites") \
	X(PATCH_DUPLICATE, HEKI_EEXIST, "patch site registered twice") \
	X(PATCH_OUTSIDE_MODULE, HEKI_EINVAL, "module patch site outside the module's text") \
	X(KEXEC_SIZE_EXCEEDED, HEKI_ERANGE, "kexec image or blob larger than HEKI_VTL1_MAX_KEXEC_SIZE") \
	X(KEXEC_AUTHENTICODE_UNAVAILABLE, HEKI_ENOPKG, "kexec image signature check not available") \
	X(RINGBUF_ALREADY_SET, HEKI_EEXIST, "ring buffer already set elsewhere") \
	X(RINGBUF_SIZE_INVALID, HEKI_EINVAL, "ring buffer size 0 or above HEKI_VTL1_MAX_RINGBUF_SIZE") \
	X(ELF_TRUNCATED, HEKI_EINVAL, "module ELF shorter than its ELF header") \
	X(ELF_BAD_MAGIC, HEKI_EINVAL, "module ELF magic wrong") \
	X(ELF_BAD_CLASS, HEKI_EINVAL, "module ELF not ELFCLASS64") \
	X(ELF_BAD_ENDIAN, HEKI_EINVAL, "module ELF not little-endian") \
	X(ELF_BAD_VERSION, HEKI_EINVAL, "module ELF version not EV_CURRENT") \
	X(ELF_BAD_TYPE, HEKI_EINVAL, "module ELF not ET_REL") \
	X(ELF_BAD_MACHINE, HEKI_EINVAL, "module ELF not EM_X86_64") \
	X(ELF_BAD_HEADER_SIZE, HEKI_EINVAL, "module ELF e_ehsize or e_shentsize wrong") \
	X(ELF_BAD_SHNUM, HEKI_EINVAL, "module ELF section count 0 or extended") \
	X(ELF_SHDRS_OUT_OF_BOUNDS, HEKI_ERANGE, "module ELF section headers beyond the image") \
	X(ELF_SHDRS_OVERLAP_EHDR, HEKI_EINVAL, "module ELF section headers overlap the ELF header") \
	X(ELF_BAD_SHSTRNDX, HEKI_EINVAL, "module ELF e_shstrndx invalid") \
	X(ELF_BAD_NULL_SECTION, HEKI_EINVAL, "module ELF section 0 not an empty SHT_NULL") \
	X(ELF_BAD_SHSTRTAB, HEKI_EINVAL, "module ELF section name table empty, unterminated or not STRTAB") \
	X(ELF_BAD_SECTION_NAME, HEKI_ERANGE, "module ELF section name offset outside the name table") \
	X(ELF_BAD_ALIGN, HEKI_EINVAL, "module ELF sh_addralign not 0 or a power of two") \
	X(ELF_SECTION_OUT_OF_BOUNDS, HEKI_ERANGE, "module ELF section contents beyond the image") \
	X(ELF_SECTION_OVERLAPS_HEADERS, HEKI_EINVAL, "module ELF section contents overlap the headers") \
	X(ELF_BAD_SYMTAB, HEKI_EINVAL, "module ELF symbol table entry size or length wrong") \
	X(ELF_BAD_STRTAB, HEKI_EINVAL, "module ELF symbol string table invalid") \
	X(ELF_NO_SYMTAB, HEKI_EINVAL, "module ELF has no symbol table") \
	X(ELF_SECTION_INDEX, HEKI_ERANGE, "module ELF section index out of range") \
	X(ELF_SECTION_NOT_FOUND, HEKI_ENOENT, "module ELF section not found") \
	X(ELF_SYMBOL_INDEX, HEKI_ERANGE, "module ELF symbol index out of range") \
	X(ELF_SYMBOL_NAME, HEKI_ERANGE, "module ELF symbol name offset outside the string table") \
	X(ELF_BAD_RELA, HEKI_EINVAL, "module ELF SHT_RELA malformed or not linked to the symbol table") \
	X(ELF_RELA_INDEX, HEKI_ERANGE, "module ELF relocation index out of range") \
	X(MODLAYOUT_BAD_KERNEL, HEKI_EOPNOTSUPP, "no module layout rules for this kernel version") \
	X(MODLAYOUT_NO_ROOM, HEKI_ERANGE, "module layout section array too small") \
	X(MODLAYOUT_WX_SECTION, HEKI_EINVAL, "module section both writable and executable") \
	X(MODLAYOUT_NO_THIS_MODULE, HEKI_EINVAL, "module has no .gnu.linkonce.this_module") \
	X(MODLAYOUT_TOO_LARGE, HEKI_ERANGE, "module layout exceeds the maximum module size") \
	X(MODLAYOUT_NOT_LOADED, HEKI_EINVAL, "module section not in module memory") \
	X(MODRELOC_NO_ROOM, HEKI_ERANGE, "module symbol value array too small") \
	X(MODRELOC_BUFFER_SIZE, HEKI_EINVAL, "module section buffer size differs from sh_size") \
	X(MODRELOC_SYMBOL_UNRESOLVED, HEKI_ENOENT, "module needs an unknown kernel symbol") \
	X(MODRELOC_SYMBOL_COMMON, HEKI_EINVAL, "module has a SHN_COMMON symbol") \
	X(MODRELOC_SYMBOL_SECTION, HEKI_ERANGE, "module symbol section index out of range") \
	X(MODRELOC_NO_PERCPU, HEKI_EINVAL, "module per-CPU symbol but no per-CPU base") \
	X(MODRELOC_LIVEPATCH, HEKI_EOPNOTSUPP, "livepatch relocations or symbols not supported") \
	X(MODRELOC_REL_UNSUPPORTED, HEKI_EINVAL, "module SHT_REL relocations (x86-64 loads only RELA)") \
	X(MODRELOC_SYMBOL_INDEX, HEKI_ERANGE, "module relocation symbol index out of range") \
	X(MODRELOC_UNKNOWN_TYPE, HEKI_EINVAL, "module relocation type not accepted by the kernel") \
	X(MODRELOC_OFFSET_OUT_OF_BOUNDS, HEKI_ERANGE, "module relocation site beyond its section") \
	X(MODRELOC_SYMBOL_NOT_LOADED, HEKI_EINVAL, "module relocation uses a symbol outside module memory") \
	X(MODRELOC_SITE_NONZERO, HEKI_EINVAL, "module relocation site not zero before relocation") \
	X(MODRELOC_OVERFLOW, HEKI_ERANGE, "module relocation value does not fit its 32-bit field") \
	X(ELF_SYMBOL_NAME_TOO_LONG, HEKI_ERANGE, "module ELF symbol name longer than HEKI_ELF_MAX_NAME_LEN") \
	X(MODLAYOUT_MEM_SIZE, HEKI_EINVAL, "module memory type size differs from the ELF layout") \
	X(MODLAYOUT_MEM_ALIGN, HEKI_EINVAL, "module memory type address not page aligned") \
	X(MODLAYOUT_MEM_MISPLACED, HEKI_EINVAL, "module memory types not where the kernel lays them out") \
	X(MODLAYOUT_MEM_OVERLAP, HEKI_EINVAL, "two module memory allocations overlap") \
	X(DER_TRUNCATED, HEKI_ELIBBAD, "DER element header truncated") \
	X(DER_HIGH_TAG, HEKI_ELIBBAD, "DER multi-byte tag number not accepted") \
	X(DER_INDEFINITE_LENGTH, HEKI_ELIBBAD, "DER indefinite length not accepted") \
	X(DER_BAD_LENGTH, HEKI_ELIBBAD, "DER length not minimal or over HEKI_DER_MAX_LEN") \
	X(DER_VALUE_TRUNCATED, HEKI_ELIBBAD, "DER value longer than the bytes left") \
	X(DER_UNEXPECTED_TAG, HEKI_ELIBBAD, "DER element has an unexpected tag") \
	X(DER_NOT_CONSTRUCTED, HEKI_ELIBBAD, "DER element entered is not constructed") \
	X(DER_BAD_INTEGER, HEKI_ELIBBAD, "DER INTEGER empty, negative, non-minimal or too large") \
	X(DER_BAD_BIT_STRING, HEKI_ELIBBAD, "DER BIT STRING empty or with unused bits") \
	X(CRYPTO_DIGEST_FAILED, HEKI_EIO, "crypto provider digest failed") \
	X(CRYPTO_CERT_NOT_FOUND, HEKI_ENOKEY, "no keyring certificate has the signer's issuer and serial") \
	X(CRYPTO_BAD_ARGUMENT, HEKI_EINVAL, "crypto primitive called with invalid arguments") \
	X(MODULE_CONTENT_MISMATCH, HEKI_EINVAL, "module memory differs from its relocated ELF outside rewrite sites") \
	X(MODULE_REWRITE_FORBIDDEN, HEKI_EINVAL, "module rewrite site holds bytes its rewrite cannot produce") \
	X(MODULE_REWRITE_SITE_INVALID, HEKI_EINVAL, "module rewrite-site table entry malformed or outside module memory") \
	X(MODULE_REWRITE_SITE_OVERLAP, HEKI_EINVAL, "module rewrite sites overlap in a way no load produces") \
	X(MODULE_REWRITE_TOO_MANY, HEKI_ERANGE, "module has more rewrite sites than VTL1 accepts") \
	X(MODULE_MEMORY_INCOMPLETE, HEKI_EINVAL, "module memory type missing or split against the layout") \
	X(PE_TRUNCATED, HEKI_ELIBBAD, "kexec kernel image shorter than a DOS header") \
	X(PE_BAD_DOS_MAGIC, HEKI_ELIBBAD, "kexec kernel image has no MZ magic") \
	X(PE_BAD_LFANEW, HEKI_ELIBBAD, "PE header offset outside the kexec kernel image") \
	X(PE_BAD_SIGNATURE, HEKI_ELIBBAD, "kexec kernel image has no PE signature") \
	X(PE_BAD_MACHINE, HEKI_ELIBBAD, "kexec kernel image not for x86-64") \
	X(PE_BAD_OPT_HEADER, HEKI_ELIBBAD, "PE optional header not PE32+, too short or beyond the image") \
	X(PE_BAD_DIRECTORIES, HEKI_ELIBBAD, "PE data directory count above 16 or beyond the optional header") \
	X(PE_BAD_SECTIONS, HEKI_ELIBBAD, "PE section count 0 or above HEKI_PE_MAX_SECTIONS") \
	X(PE_HEADERS_OUT_OF_BOUNDS, HEKI_ELIBBAD, "PE SizeOfHeaders below the section table or not before the end of the image") \
	X(PE_SECTION_OUT_OF_BOUNDS, HEKI_ELIBBAD, "PE section raw data beyond the image") \
	X(PE_SECTION_OVERLAP, HEKI_ELIBBAD, "PE section raw data overlaps the headers or another section") \
	X(PE_SECTION_GAP, HEKI_ELIBBAD, "PE section raw data leaves unhashed bytes between sections") \
	X(PE_CERT_TABLE_INVALID, HEKI_ELIBBAD, "PE certificate table misaligned, not after the sections or not at the end") \
	X(AUTHENTICODE_NOT_SIGNED, HEKI_ELIBBAD, "kexec kernel image has no certificate table") \
	X(AUTHENTICODE_CERT_ENTRY_INVALID, HEKI_ELIBBAD, "WIN_CERTIFICATE length too small or beyond the certificate table") \
	X(AUTHENTICODE_NO_SIGNATURE, HEKI_ELIBBAD, "the WIN_CERTIFICATE is not a revision 2.0 WIN_CERT_TYPE_PKCS_SIGNED_DATA entry") \
	X(AUTHENTICODE_NOT_SPC_INDIRECT, HEKI_ELIBBAD, "Authenticode content type not SpcIndirectDataContent") \
	X(AUTHENTICODE_SPC_PARSE_FAILED, HEKI_ELIBBAD, "SpcIndirectDataContent does not parse") \
	X(AUTHENTICODE_DIGEST_UNSUPPORTED, HEKI_ENOPKG, "Authenticode digest not SHA-256, SHA-384 or SHA-512") \
	X(AUTHENTICODE_DIGEST_ALG_MISMATCH, HEKI_ELIBBAD, "SpcIndirectDataContent and signer digest algorithms differ") \
	X(AUTHENTICODE_IMAGE_DIGEST_MISMATCH, HEKI_EKEYREJECTED, "kexec kernel image digest differs from the signed digest") \
	X(AUTHENTICODE_CONTENT_TYPE_MISMATCH, HEKI_EKEYREJECTED, "signed contentType attribute not SpcIndirectDataContent") \
	X(AUTHENTICODE_MESSAGE_DIGEST_MISMATCH, HEKI_EKEYREJECTED, "signed messageDigest differs from the SpcIndirectDataContent hash") \
	X(KEXEC_BLOB_MISSING, HEKI_EINVAL, "KexecValidate with ranges but no kernel blob range") \
	X(REWRITE_KIND_UNKNOWN, HEKI_EINVAL, "module rewrite site of an unknown kind") \
	X(REWRITE_SITE_LENGTH, HEKI_ERANGE, "module rewrite site shorter than its instruction or longer than HEKI_RW_MAX_SITE_LEN") \
	X(REWRITE_KSYM_UNKNOWN, HEKI_ENOENT, "kernel symbol a rewrite rule needs is not in the kernel symbol table") \
	X(REWRITE_MCOUNT_ORIGINAL, HEKI_EINVAL, "__mcount_loc site in the ELF is not a call to __fentry__") \
	X(REWRITE_MCOUNT_FORBIDDEN, HEKI_EINVAL, "__mcount_loc site holds neither the __fentry__ call, NOP5 nor an allowed ftrace call") \
	X(REWRITE_RETURN_ORIGINAL, HEKI_EINVAL, ".return_sites site in the ELF is not a jmp to __x86_return_thunk") \
	X(REWRITE_RETURN_FORBIDDEN, HEKI_EINVAL, "return site holds neither a jmp to a return thunk nor ret with int3 padding") \
	X(REWRITE_RETPOLINE_ORIGINAL, HEKI_EINVAL, ".retpoline_sites site in the ELF is not a call/jmp/jcc to an indirect thunk") \
	X(REWRITE_RETPOLINE_FORBIDDEN, HEKI_EINVAL, "retpoline site holds neither the thunk call nor the register form patch_retpoline writes") \
	X(REWRITE_ALT_REPLACEMENT, HEKI_ERANGE, "alternative replacement outside module text or longer than the original") \
	X(REWRITE_ALT_FORBIDDEN, HEKI_EINVAL, "alternative site holds neither the original nor the relocated replacement with the kernel NOPs") \
	X(REWRITE_JUMP_LABEL_ORIGINAL, HEKI_EINVAL, "__jump_table code in the ELF is not NOP2/NOP5 or a jmp to the entry target") \
	X(REWRITE_JUMP_LABEL_FORBIDDEN, HEKI_EINVAL, "jump label site holds neither the NOP nor the jmp of its size to the entry target") \
	X(REWRITE_STATIC_CALL_ORIGINAL, HEKI_EINVAL, ".static_call_sites site in the ELF is not the call/jmp/jcc its tail flag says") \
	X(REWRITE_STATIC_CALL_FORBIDDEN, HEKI_EINVAL, "static call site holds no form __static_call_transform writes for an allowed target") \
	X(REWRITE_PARAVIRT_ORIGINAL, HEKI_EINVAL, ".parainstructions site in the ELF is not call *pv_ops[type]") \
	X(REWRITE_PARAVIRT_FORBIDDEN, HEKI_EINVAL, "paravirt site holds neither the original, a call to its pv_ops target nor NOPs") \
	X(REWRITE_SMP_LOCK_ORIGINAL, HEKI_EINVAL, ".smp_locks site in the ELF is not a lock prefix") \
	X(REWRITE_SMP_LOCK_FORBIDDEN, HEKI_EINVAL, "lock prefix changed (only a uniprocessor boot writes 3e)") \
	X(REWRITE_ENDBR_SEAL, HEKI_EINVAL, ".ibt_endbr_seal entry on a kernel without IBT") \
	X(REWRITE_TABLE_ENTRY, HEKI_ERANGE, "sorted rewrite table size not a multiple of its entry size or entry outside module memory") \
	X(REWRITE_TABLE_FORBIDDEN, HEKI_EINVAL, "sorted table is not a sorted permutation of its relocated entries") \
	X(REWRITE_TABLE_UNSUPPORTED, HEKI_EOPNOTSUPP, "sorted table kind whose re-keying VTL1 cannot predict") \
	X(KEXEC_IMAGE_CHANGED, HEKI_EBUSY, "kexec image changed while its pages were being protected") \
	X(KERNEL_INFO_EXT_SIZE_INVALID, HEKI_EINVAL, "kernel info extension size below struct heki_kernel_info_ext") \
	X(KERNEL_INFO_EXT_TRUNCATED, HEKI_ERANGE, "kernel info extension or its pv_ops values run past the KernelInfo data") \
	X(KERNEL_INFO_EXT_RESERVED, HEKI_EINVAL, "kernel info extension pad or unknown flag bits not zero") \
	X(KERNEL_INFO_EXT_VERSION, HEKI_EINVAL, "kernel info extension linux_version not a LINUX_VERSION_CODE of 6.1 or later") \
	X(KERNEL_INFO_EXT_TEXT_INVALID, HEKI_EINVAL, "kernel info extension text bounds not canonical or start not below end") \
	X(KERNEL_INFO_EXT_THUNK_INVALID, HEKI_EINVAL, "kernel info extension return thunk or paravirt function outside kernel text") \
	X(KERNEL_INFO_EXT_PV_OPS_INVALID, HEKI_EINVAL, "kernel info extension pv_ops count above the limit, address missing, or a value outside kernel text") \
	X(KERNEL_INFO_EXT_PV_OPS_MISMATCH, HEKI_EINVAL, "kernel info extension pv_ops address differs from the exported pv_ops") \
	X(KEXEC_KERNEL_NOT_BZIMAGE, HEKI_EINVAL, "kexec kernel blob has no bzImage setup header (HdrS, protocol 2.10+, setup before the end)") \
	X(KEXEC_KERNEL_SEGMENT_MISSING, HEKI_ENOENT, "no kimage segment has the bzImage payload's size and memory size") \
	X(KEXEC_KERNEL_CONTENT_MISMATCH, HEKI_EKEYREJECTED, "kexec kernel segment differs from the verified kernel blob") \
	X(KEXEC_PAGE_NOT_PROTECTED, HEKI_EACCES, "kimage source or indirection page outside the KexecPages ranges") \
	X(KEXEC_ENTRY_INVALID, HEKI_EINVAL, "kimage entry: unknown or several flags, address beyond 2^52, source before any destination, or indirection page not ended") \
	X(KEXEC_ENTRY_LIST_TOO_LONG, HEKI_ELOOP, "kimage entry list longer than HEKI_VTL1_MAX_KEXEC_ENTRIES entries or HEKI_VTL1_MAX_KEXEC_IND_PAGES indirection pages (or looping)") \
	X(KEXEC_ENTRY_OUTSIDE_SEGMENT, HEKI_EINVAL, "kimage destination outside every segment, or a source or indirection page inside a segment it is not the destination of") \
	X(KEXEC_KERNEL_PAGE_MISSING, HEKI_EINVAL, "a page of the kexec kernel segment is never written by the entry list") \
	X(KEXEC_KERNEL_PAGE_DUPLICATE, HEKI_EINVAL, "a page of the kexec kernel segment is written twice by the entry list") \
	X(KERNEL_INFO_EXT_CAPWORDS_COUNT, HEKI_EINVAL, "kernel info extension size between the first and second known sizes, or CPU capability word count not 0 and outside HEKI_KERNEL_INFO_EXT_CAPWORDS_MIN..MAX") \
	X(REWRITE_ALT_FEATURE, HEKI_ERANGE, "alternative names a CPU feature beyond the capability words VTL0 sent") \
	X(REWRITE_ALT_OTHER_FORM, HEKI_EINVAL, "alternative site holds the form for the other value of its CPU feature, not the one this CPU gets") \
	X(REWRITE_RETPOLINE_OTHER_FORM, HEKI_EINVAL, "retpoline site holds a form patch_retpoline writes for other RETPOLINE / RETPOLINE_LFENCE / ITS feature bits than this CPU's") \
	X(REWRITE_ENDBR_NOT_SEALED, HEKI_EINVAL, ".ibt_endbr_seal entry still holds ENDBR on a 6.4+ kernel, whose IBT build poisons every one at load") \
	X(REWRITE_ALT_DIRECT_CALL, HEKI_EINVAL, "ALT_FLAG_DIRECT_CALL alternative: not ff 15 with a 5-byte call replacement, or not a call to the pv_ops slot's function (or the NOPs for nop_func)") \
	X(REWRITE_CALL_DEPTH, HEKI_EINVAL, "6.4+ kernel with X86_FEATURE_CALL_DEPTH (retbleed=stuff): call depth tracking rewrites calls to thunks VTL1 does not model") \
	X(AUTHENTICODE_CERT_TABLE_NOT_ONE_ENTRY, HEKI_ELIBBAD, "PE certificate table is not exactly one WIN_CERTIFICATE (dwLength rounded up to 8 differs from the table size)") \
	X(AUTHENTICODE_SIGNATURE_TOO_LONG, HEKI_ELIBBAD, "Authenticode PKCS#7 length takes more than two bytes (Linux refuses it with EMSGSIZE)") \
	X(PE_OPT_HEADER_SIZE_MISMATCH, HEKI_ELIBBAD, "PE SizeOfOptionalHeader is not 112 + 8 x NumberOfRvaAndSizes (Linux reads the section table right after the data directories)") \
	X(VTL0_WRITE_PROTECTED, HEKI_EACCES, "VTL1 would write a frame an owner protects (kernel, module, kernel data, kexec, ring buffer) without that owner's patch site") \
	X(VTL0_WRITE_OUTSIDE_SITE, HEKI_EACCES, "text patch write reaches a byte that is not one of its site's bytes") \
	X(VTL0_WRITE_INVALID, HEKI_EINVAL, "write into VTL0 memory with no part, an empty part, too many parts or more than a page of bytes") \
	X(PATCH_INFO_NOT_JUMP, HEKI_EINVAL, "kernel patch-info entry is not a 2-byte jmp8 or 5-byte jmp32, the jump form of a jump-label site") \
	X(PATCH_NOT_A_SITE, HEKI_EINVAL, "module patch record names no jump-label site of the verified module ELF, or a form that site cannot take") \
	X(PATCH_SITE_OVERLAP, HEKI_EEXIST, "patch site shares bytes with another registered site") \
	X(PATCH_SITE_NOT_HELD, HEKI_EACCES, "patch site's frames are not held kernel-executable by the site's owner") \
	X(TEXT_PATCH_STEP_INVALID, HEKI_EACCES, "text patch is not a text_poke_bp step from the bytes now at the site") \
	X(KEXEC_SEGMENT_LAYOUT_INVALID, HEKI_EINVAL, "kimage segment not page aligned, empty, with bufsz above memsz, overlapping another segment, or more than HEKI_VTL1_MAX_KEXEC_ENTRIES segment pages in all") \
	X(KEXEC_ENTRY_ORDER, HEKI_EINVAL, "kimage entry list not the one kimage_load_normal_segment builds: each segment's destination, then one source per page, in segment order, then the end") \
	X(KEXEC_PAGE_REUSED, HEKI_EINVAL, "kimage source or indirection page used twice or in two roles (relocate_kernel swaps pages)") \
	X(KEXEC_PAGES_TOO_MANY, HEKI_E2BIG, "KexecPages ranges of a normal kexec hold more frames than the longest entry list uses") \
	X(KEXEC_CRASH_ENTRY_LIST, HEKI_EINVAL, "crash kimage head is not IND_DONE: relocate_kernel would move pages over the loaded segments") \
	X(KERNEL_INFO_EXT_KALLSYMS, HEKI_EINVAL, "kernel info extension size between the second and third known sizes, kallsyms format unknown, or kallsyms table addresses not all canonical and non-zero with a format, or not all zero without") \
	X(KALLSYMS_UNMAPPED, HEKI_ERANGE, "kallsyms table not inside one VA-contiguous run of the LoadKData kernel data") \
	X(KALLSYMS_NOT_PROTECTED, HEKI_EACCES, "kallsyms table not in frames the kernel protected read-only with ProtectMemory") \
	X(KALLSYMS_COUNT_INVALID, HEKI_ERANGE, "kallsyms_num_syms zero or above HEKI_KALLSYMS_MAX_SYMS") \
	X(KALLSYMS_TOKENS_INVALID, HEKI_EINVAL, "kallsyms token index points outside the token table or at a token without a NUL in HEKI_KSYM_NAME_LEN bytes") \
	X(KALLSYMS_NAMES_INVALID, HEKI_EINVAL, "kallsyms names: a zero length, a name past the mapped table, or a marker that disagrees with the names") \
	X(KALLSYMS_UNSORTED, HEKI_EINVAL, "kallsyms addresses not in increasing order") \
	X(REWRITE_TARGET_NOT_FUNCTION, HEKI_EINVAL, "static call, paravirt or direct-call target is not a function entry any authenticated symbol source names") \
	X(MODE_INVALID, HEKI_EINVAL, "LoadKData mode range not HEKI_MODE_SIZE bytes, or not HEKI_MODE_ENFORCE or HEKI_MODE_PERMISSIVE") \
	X(REVOCATION_CERTS_INVALID, HEKI_EINVAL, "revocation certificate list empty, with a DER length past its end or bytes after its last certificate") \
	X(BLOCKLIST_INVALID, HEKI_EINVAL, "blocklist line not bin: or tbs: and 64, 96 or 128 lowercase hex digits, a # comment or empty") \
	X(BLOCKLIST_TOO_MANY, HEKI_E2BIG, "blocklist holds more than HEKI_BLOCKLIST_MAX entries") \
	X(SIG_KEY_REVOKED, HEKI_EKEYREJECTED, "signature verifies with a revoked certificate, or with a system certificate that has a revoked certificate's public key") \
	X(SIG_CERT_BLOCKED, HEKI_EKEYREJECTED, "signature verifies with a system certificate whose tbs: hash is on the blocklist") \
	X(SIG_HASH_BLOCKED, HEKI_EKEYREJECTED, "bin: hash on the blocklist: a module file's SHA-256 or its signed content's digest, or a kexec image's Authenticode digest") \
	X(KERNEL_INFO_EXT_PURGATORY, HEKI_EINVAL, "kernel info extension size between the last two known sizes, kexec_purgatory addresses not both zero or both canonical, not inside one KernelData range, or a purgatory size of 0 or above HEKI_VTL1_MAX_PURGATORY_SIZE") \
	X(KEXEC_PURGATORY_NOT_PROTECTED, HEKI_EACCES, "kexec_purgatory not in frames the kernel protected read-only with ProtectMemory") \
	X(KEXEC_PURGATORY_UNKNOWN, HEKI_ENOENT, "KexecValidate without the kernel's kexec_purgatory (LoadKData sent no kernel info extension naming it)") \
	X(KEXEC_PURGATORY_INVALID, HEKI_ELIBBAD, "the kernel's kexec_purgatory is not an x86-64 relocatable ELF VTL1 can load and relocate as kexec_load_purgatory does") \
	X(KEXEC_PURGATORY_SEGMENT_MISSING, HEKI_ENOENT, "no kimage segment has the purgatory's size and alignment with image->start at its entry, or no boot_params segment follows it") \
	X(KEXEC_PURGATORY_MISMATCH, HEKI_EKEYREJECTED, "kexec purgatory segment differs from the kernel's purgatory relocated for it (code, data or entry registers)") \
	X(KEXEC_PURGATORY_REGIONS_INVALID, HEKI_EINVAL, "purgatory_sha_regions is not the kimage's segments in order (only data segments before the purgatory may be left out, from Linux 6.4)") \
	X(KEXEC_PURGATORY_DIGEST_MISMATCH, HEKI_EKEYREJECTED, "purgatory_sha256_digest is not the SHA-256 of what the digest regions will hold") \
	X(KEXEC_DIGEST_UNAVAILABLE, HEKI_ENOPKG, "crypto provider has no digest_chunks primitive for the kexec purgatory digest") \
	X(KERNEL_STATIC_CALLS_INVALID, HEKI_EINVAL, "kallsyms names only one of __start_static_call_sites and __stop_static_call_sites, the stop below the start, a size not a multiple of 8 or above HEKI_VTL1_MAX_PATCH_SITES entries, or a table not inside one KernelData range") \
	X(KERNEL_STATIC_CALLS_NOT_PROTECTED, HEKI_EACCES, "the kernel's .static_call_sites not in frames the kernel protected read-only with ProtectMemory") \
	X(MODULE_TEXT_TARGETED, HEKI_EBUSY, "a static call site or trampoline VTL1 tracks, not released with the module's memory, branches into the text it would release")

/* Number of HEKI_VSM_ERROR_LIST entries that mirror LiteBox's VsmError. */
#define HEKI_VSM_ERROR_LITEBOX_COUNT	42

#define HEKI_VSM_ERROR_ENUM_(name, err, msg) HEKI_VSM_ERR_##name,
/*
 * enum heki_vsm_error - one code per distinct VSM failure: HEKI_VSM_OK (0),
 * then HEKI_VSM_ERR_<NAME> in HEKI_VSM_ERROR_LIST order starting at 1, then
 * HEKI_VSM_ERR_COUNT (one past the last code). The codes never cross the
 * wire: only their errno does.
 */
enum heki_vsm_error {
	HEKI_VSM_OK = 0,
	HEKI_VSM_ERROR_LIST(HEKI_VSM_ERROR_ENUM_)
	HEKI_VSM_ERR_COUNT
};
#undef HEKI_VSM_ERROR_ENUM_

/**
 * struct heki_error_desc - what an error code means (not wire data)
 * @err: positive Linux errno returned on the wire as -@err
 * @name: symbolic name, as in the X-macro list
 * @message: one-line description
 */
struct heki_error_desc {
	int err;
	const char *name;
	const char *message;
};

#define HEKI_ERROR_ROW_(name, err, msg) { (err), #name, msg },

/**
 * heki_vsm_error_desc() - description of a VSM error
 * @e: error code
 *
 * Return: the row generated from HEKI_VSM_ERROR_LIST (errno 0, "OK" and
 * "success" for HEKI_VSM_OK), or NULL for a value outside the enum.
 */
static HEKI_INLINE const struct heki_error_desc *
heki_vsm_error_desc(enum heki_vsm_error e)
{
	static const struct heki_error_desc rows[] = {
		{ 0, "OK", "success" },
		HEKI_VSM_ERROR_LIST(HEKI_ERROR_ROW_)
	};

	if ((unsigned int)e >= HEKI_ARRAY_SIZE(rows))
		return NULL;
	return &rows[e];
}

/**
 * heki_vsm_error_errno() - wire errno of a VSM error
 * @e: error code
 *
 * Return: the positive Linux errno (0 for HEKI_VSM_OK, HEKI_EINVAL for a
 * value outside the enum).
 */
static HEKI_INLINE int heki_vsm_error_errno(enum heki_vsm_error e)
{
	const struct heki_error_desc *d = heki_vsm_error_desc(e);

	return d ? d->err : HEKI_EINVAL;
}

/**
 * heki_vsm_error_name() - symbolic name of a VSM error
 * @e: error code
 *
 * Return: "<NAME>" as in HEKI_VSM_ERROR_LIST, "OK", or NULL if unknown.
 */
static HEKI_INLINE const char *heki_vsm_error_name(enum heki_vsm_error e)
{
	const struct heki_error_desc *d = heki_vsm_error_desc(e);

	return d ? d->name : NULL;
}

/**
 * heki_vsm_error_message() - one-line description of a VSM error
 * @e: error code
 *
 * Return: the message from HEKI_VSM_ERROR_LIST, "success", or NULL.
 */
static HEKI_INLINE const char *heki_vsm_error_message(enum heki_vsm_error e)
{
	const struct heki_error_desc *d = heki_vsm_error_desc(e);

	return d ? d->message : NULL;
}

/*
 * X(NAME, errno, "message"): LiteBox's VerificationError, the inner
 * error of SIGNATURE_VERIFICATION_FAILED. Append only.
 */
#define HEKI_VERIFY_ERROR_LIST(X)					\
	X(SIGNATURE_NOT_FOUND, HEKI_ENODATA, "no signature trailer") \
	X(INVALID_SIGNATURE, HEKI_ELIBBAD, "signature malformed") \
	X(INVALID_CERTIFICATE, HEKI_ENOKEY, "certificate unusable") \
	X(AUTHENTICATION_FAILED, HEKI_EKEYREJECTED, "no trusted key verifies the signature") \
	X(PARSE_FAILED, HEKI_ELIBBAD, "signed data does not parse") \
	X(UNSUPPORTED, HEKI_ENOPKG, "unsupported signature or digest algorithm")

/* Number of HEKI_VERIFY_ERROR_LIST entries that mirror LiteBox. */
#define HEKI_VERIFY_ERROR_LITEBOX_COUNT	6

#define HEKI_VERIFY_ERROR_ENUM_(name, err, msg) HEKI_VERIFY_ERR_##name,
/*
 * enum heki_verify_error - why a signature check failed: HEKI_VERIFY_OK (0),
 * then HEKI_VERIFY_ERR_<NAME> in HEKI_VERIFY_ERROR_LIST order starting at 1,
 * then HEKI_VERIFY_ERR_COUNT.
 */
enum heki_verify_error {
	HEKI_VERIFY_OK = 0,
	HEKI_VERIFY_ERROR_LIST(HEKI_VERIFY_ERROR_ENUM_)
	HEKI_VERIFY_ERR_COUNT
};
#undef HEKI_VERIFY_ERROR_ENUM_

/**
 * heki_verify_error_desc() - description of a verification error
 * @e: error code
 *
 * Return: the row generated from HEKI_VERIFY_ERROR_LIST (errno 0 for
 * HEKI_VERIFY_OK), or NULL for a value outside the enum.
 */
static HEKI_INLINE const struct heki_error_desc *
heki_verify_error_desc(enum heki_verify_error e)
{
	static const struct heki_error_desc rows[] = {
		{ 0, "OK", "success" },
		HEKI_VERIFY_ERROR_LIST(HEKI_ERROR_ROW_)
	};

	if ((unsigned int)e >= HEKI_ARRAY_SIZE(rows))
		return NULL;
	return &rows[e];
}

/**
 * heki_verify_error_errno() - wire errno of a verification error
 * @e: error code
 *
 * Return: the positive Linux errno (0 for HEKI_VERIFY_OK, HEKI_EINVAL for
 * a value outside the enum).
 */
static HEKI_INLINE int heki_verify_error_errno(enum heki_verify_error e)
{
	const struct heki_error_desc *d = heki_verify_error_desc(e);

	return d ? d->err : HEKI_EINVAL;
}

/**
 * heki_verify_error_name() - symbolic name of a verification error
 * @e: error code
 *
 * Return: "<NAME>" as in HEKI_VERIFY_ERROR_LIST, "OK", or NULL.
 */
static HEKI_INLINE const char *heki_verify_error_name(enum heki_verify_error e)
{
	const struct heki_error_desc *d = heki_verify_error_desc(e);

	return d ? d->name : NULL;
}

/**
 * heki_verify_error_message() - one-line description of a verification error
 * @e: error code
 *
 * Return: the message from HEKI_VERIFY_ERROR_LIST, "success", or NULL.
 */
static HEKI_INLINE const char *heki_verify_error_message(enum heki_verify_error e)
{
	const struct heki_error_desc *d = heki_verify_error_desc(e);

	return d ? d->message : NULL;
}

#undef HEKI_ERROR_ROW_

HEKI_ABI_ASSERT(HEKI_VSM_ERR_COUNT - 1 >= HEKI_VSM_ERROR_LITEBOX_COUNT);
HEKI_ABI_ASSERT(HEKI_VERIFY_ERR_COUNT - 1 >= HEKI_VERIFY_ERROR_LITEBOX_COUNT);

#endif /* _UAPI_HEKI_ERRORS_H */
