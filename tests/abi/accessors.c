// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * accessors.c - behaviour of every inline helper in uapi/heki, table-driven,
 * negative cases included. Built as C11 under ASan+UBSan and as C++17 by
 * tests/abi/accessors.sh; both builds must print the same results. Results
 * through vtl1/tests/check.h (the shared runner, C linkage).
 */
#include <stdio.h>
#include <string.h>
#include <heki/abi.h>

#include "check.h"

static void check(int ok, const char *what)
{
	check_result(ok, what, NULL);
}

static int streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static void test_hv_status(void)
{
#define ROW(name, value) { (__u16)(value), "HV_STATUS_" #name },
	static const struct { __u16 v; const char *n; } rows[] = {
		HV_STATUS_LIST(ROW)
	};
#undef ROW
	unsigned int i;
	int ok = 1;

	for (i = 0; i < HEKI_ARRAY_SIZE(rows); i++)
		ok &= streq(hv_status_name((hv_status_t)rows[i].v), rows[i].n);
	check(ok, "hv_status_name: every HV_STATUS_LIST entry");
	check(hv_status_name((hv_status_t)1) == NULL, "hv_status_name: unknown 1 is NULL");
	check(hv_status_name((hv_status_t)0xFFFF) == NULL, "hv_status_name: unknown 0xFFFF is NULL");
	check(hv_status_raw(HV_STATUS_ACCESS_DENIED) == 6, "hv_status_raw: ACCESS_DENIED is 6");
}

static void test_hypercall(void)
{
	check(hv_hypercall_control(HVCALL_SET_VP_REGISTERS, 0, 1, 0) == 0x0000000100000051ULL,
	      "hv_hypercall_control: SET_VP_REGISTERS, 1 rep");
	check(hv_hypercall_control(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX, 4, 506, 7) ==
	      ((0x14ULL) | (4ULL << 17) | (506ULL << 32) | (7ULL << 48)),
	      "hv_hypercall_control: all four fields placed");
	check(hv_hypercall_control(0, 0, 0x1000, 0) == 0,
	      "hv_hypercall_control: rep count 4096 does not spill");
	check(hv_hypercall_control(0, 0, 0, 0x1FFF) == (0xFFFULL << 48),
	      "hv_hypercall_control: rep start keeps 12 bits");
	check(hv_hypercall_control(0, 0x400, 0, 0) == 0,
	      "hv_hypercall_control: varhead 1024 qwords does not spill");
	check(hv_status_raw(hv_hypercall_status(0x0000012300000086ULL)) == 0x86,
	      "hv_hypercall_status: low 16 bits");
	check(hv_hypercall_reps_done(0xFFFF0ABC00000000ULL) == 0xABC,
	      "hv_hypercall_reps_done: bits 32..43 only");
}

static void test_reg_fields(void)
{
	__u64 v;

	check(hv_vsm_code_page_offsets_vtl_call_offset(0xFFABC123ULL) == 0x123,
	      "code page offsets: vtl_call_offset bits 0..11");
	check(hv_vsm_code_page_offsets_vtl_return_offset(0xFFABC123ULL) == 0xABC,
	      "code page offsets: vtl_return_offset bits 12..23");
	check(hv_vsm_code_page_offsets_vtl_return_offset_set(0, 0x1FFF) == 0xFFF000ULL,
	      "field set: oversized value truncated to the field");
	check(hv_vsm_code_page_offsets_vtl_call_offset_set(~0ULL, 0) == ~0xFFFULL,
	      "field set: other bits preserved");
	v = hv_vsm_partition_config_enable_vtl_protection_set(0, 1);
	v = hv_vsm_partition_config_default_vtl_protection_mask_set(v, 0xF);
	check(v == 0x1F, "partition config: LiteBox's 0x1F from setters");
	check(hv_vsm_partition_config_default_vtl_protection_mask(0x1F) == 0xF,
	      "partition config: default mask decodes");
	check(hv_vsm_partition_config_intercept_page_set(0, 1) == 0x1000,
	      "partition config: intercept_page is bit 12");
	v = hv_vsm_vp_secure_config_mbec_enabled_set(0, 1);
	v = hv_vsm_vp_secure_config_tlb_locked_set(v, 1);
	check(v == 0x3, "VP secure config: MBEC | TLB locked is 0x3");
	check(hv_vsm_partition_status_maximum_vtl(0x00000000000A0003ULL) == 0xA,
	      "partition status: maximum_vtl bits 16..19");
	check(hv_vsm_partition_status_mbec_enabled_vtl_set(0x0000000000300000ULL) == 3,
	      "partition status: mbec set bits 20..35");
	check(hv_vsm_vp_status_active_vtl(0x0003001FULL) == 0xF &&
	      hv_vsm_vp_status_active_mbec_enabled(0x0003001FULL) == 1 &&
	      hv_vsm_vp_status_enabled_vtl_set(0x0003001FULL) == 3,
	      "VP status: active_vtl, mbec, enabled set");
	check(hv_pending_exception_gp() == 0x00000000000D0101ULL,
	      "pending exception: #GP(0) is pending|type0|errcode|vector 13");
	check(hv_pending_exception_error_code(hv_pending_exception_error_code_set(0, 0xDEADBEEF)) ==
	      0xDEADBEEF, "pending exception: error code round-trips");
	v = hv_synic_sint_vector_set(0, 0xF3);
	v = hv_synic_sint_auto_eoi_set(v, 1);
	check(v == 0x200F3, "synic sint: vector 0xF3 + auto EOI");
	check(hv_synic_sint_masked(0x10000) == 1 && hv_synic_sint_polling(0x10000) == 0,
	      "synic sint: masked and polling are distinct bits");
}

static void test_input_vtl(void)
{
	check(hv_input_vtl_current() == 0, "input vtl: current is 0");
	check(hv_input_vtl(1, 1) == 0x11, "input vtl: target 1 with use_target");
	check(hv_input_vtl(1, 0) == 0x01, "input vtl: target 1 without use_target");
	check(hv_input_vtl(0x1F, 0) == 0x0F, "input vtl: oversized target dropped");
	check(hv_input_vtl_target(0xF5) == 5 && hv_input_vtl_use_target(0xF5) == 1,
	      "input vtl: decode ignores reserved bits");
	check(hv_input_vtl_use_target(0x0F) == 0, "input vtl: use_target clear");
}

static void test_func_ids(void)
{
#define ROW(name, value) { (value), "VSM_VTL_CALL_FUNC_ID_" #name },
	static const struct { __u32 v; const char *n; } rows[] = {
		VSM_VTL_CALL_FUNC_LIST(ROW)
	};
#undef ROW
	unsigned int i;
	int ok = 1;

	for (i = 0; i < HEKI_ARRAY_SIZE(rows); i++)
		ok &= streq(vsm_func_id_name((vsm_func_id_t)rows[i].v), rows[i].n) &&
		      vsm_func_id_known((vsm_func_id_t)rows[i].v);
	check(ok && HEKI_ARRAY_SIZE(rows) == VSM_VTL_CALL_FUNC_COUNT,
	      "vsm_func_id_name: every function ID");
	check(!vsm_func_id_known((vsm_func_id_t)0x1FFED), "vsm_func_id_known: 0x1FFED unknown");
	check(!vsm_func_id_known((vsm_func_id_t)0), "vsm_func_id_known: 0 unknown");
	check(vsm_func_id_raw(heki_vtlcall_func(0xFFFFFFFF0001FFE4ULL)) ==
	      vsm_func_id_raw(VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY),
	      "heki_vtlcall_func: high 32 bits of RDI ignored");
}

static void test_results(void)
{
	check(!heki_vtlcall_result_is_error(0), "result: 0 is success");
	check(!heki_vtlcall_result_is_error(0x7FFFFFFFFFFFFFFFULL), "result: max token is success");
	check(heki_vtlcall_result_is_error(~0ULL), "result: -1 is an error");
	check(heki_vtlcall_result_errno((__u64)-22LL) == HEKI_EINVAL, "result: -22 gives EINVAL");
	check(heki_vtlcall_result_errno(5) == 0, "result: token 5 gives errno 0");
	check(heki_vtlcall_result_errno((__u64)-4095LL) == 4095, "result: -4095 is an errno");
	check(heki_vtlcall_result_errno((__u64)-4096LL) == HEKI_EIO, "result: -4096 is not an errno");
	check(heki_vtlcall_result_errno(0x8000000000000000ULL) == HEKI_EIO,
	      "result: INT64_MIN is not an errno");
	check(heki_vtlcall_result_from_errno(HEKI_EFAULT) == 0xFFFFFFFFFFFFFFF2ULL,
	      "result: -EFAULT bit pattern");
	check(heki_vtlcall_result_from_vsm_error(HEKI_VSM_ERR_HEKI_PAGES_COPY_FAILED) ==
	      (__u64)-14LL, "result: HEKI_PAGES_COPY_FAILED is -EFAULT");
	check(heki_vtlcall_result_from_vsm_error(HEKI_VSM_OK) == 0, "result: HEKI_VSM_OK is 0");
}

static void test_cpu_mask(void)
{
	struct heki_cpu_mask m;
	static const __u32 cpus[] = { 0, 63, 64, 127 };
	unsigned int i;
	int ok = 1;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < HEKI_ARRAY_SIZE(cpus); i++)
		ok &= heki_cpu_mask_set(&m, cpus[i]) == 0;
	check(ok, "cpu mask: set 0, 63, 64, 127");
	check(m.bits[0] == 0x8000000000000001ULL && m.bits[1] == 0x8000000000000001ULL,
	      "cpu mask: CPU n is bit n%64 of word n/64");
	check(heki_cpu_mask_test(&m, 64) && !heki_cpu_mask_test(&m, 65), "cpu mask: test");
	check(heki_cpu_mask_set(&m, 128) == -HEKI_ERANGE, "cpu mask: set 128 refused");
	check(!heki_cpu_mask_test(&m, 128) && !heki_cpu_mask_test(&m, 0xFFFFFFFF),
	      "cpu mask: CPUs beyond 127 never set");
}

static void test_mem_attr(void)
{
	static const struct { __u64 attr; __u32 prot; } rows[] = {
		{ 0x0, 0x0 }, { 0x1, 0x9 }, { 0x2, 0x2 }, { 0x4, 0xC },
		{ 0x3, 0xB }, { 0x5, 0xD }, { 0x7, 0xF }, { 0x8, 0x0 },
		{ 0x9, 0x9 }, { 0x10, 0x0 }, { ~0ULL, 0xF },
	};
	unsigned int i;
	char what[96];

	for (i = 0; i < HEKI_ARRAY_SIZE(rows); i++) {
		snprintf(what, sizeof(what), "mem attr 0x%llx -> hv prot 0x%x",
			 (unsigned long long)rows[i].attr, (unsigned int)rows[i].prot);
		check(hv_page_prot_raw(heki_mem_attr_to_hv_page_prot((heki_mem_attr_t)rows[i].attr)) ==
		      rows[i].prot, what);
	}
	check(heki_mem_attr_valid(MEM_ATTR_VALID_MASK), "mem attr: 0xF valid");
	check(!heki_mem_attr_valid((heki_mem_attr_t)0x10), "mem attr: bit 4 invalid");
	check(!heki_mem_attr_valid((heki_mem_attr_t)0x8000000000000000ULL), "mem attr: bit 63 invalid");
}

static void test_mod_mem(void)
{
	static const struct { __u64 type; __u64 attr; int valid, memory; } rows[] = {
		{ 0, 0x5, 1, 1 }, { 1, 0x3, 1, 1 }, { 2, 0x1, 1, 1 },
		{ 3, 0x3, 1, 1 }, { 4, 0x5, 1, 1 }, { 5, 0x3, 1, 1 },
		{ 6, 0x1, 1, 1 }, { 7, 0x0, 1, 0 }, { 8, 0x0, 1, 0 },
		{ 9, 0x0, 1, 0 }, { 10, 0x0, 0, 0 }, { ~0ULL, 0x0, 0, 0 },
	};
	unsigned int i;
	char what[96];

	for (i = 0; i < HEKI_ARRAY_SIZE(rows); i++) {
		heki_mod_mem_type_t t = (heki_mod_mem_type_t)rows[i].type;

		snprintf(what, sizeof(what), "mod mem type %llu: attr 0x%llx valid %d memory %d",
			 (unsigned long long)rows[i].type, (unsigned long long)rows[i].attr,
			 rows[i].valid, rows[i].memory);
		check(heki_mem_attr_raw(heki_mod_mem_type_to_mem_attr(t)) == rows[i].attr &&
		      heki_mod_mem_type_valid(t) == rows[i].valid &&
		      heki_mod_mem_type_is_memory(t) == rows[i].memory &&
		      (heki_mod_mem_type_name(t) != NULL) == rows[i].valid, what);
	}
	check(streq(heki_mod_mem_type_name(HEKI_MOD_MEM_INIT_RODATA), "HEKI_MOD_MEM_INIT_RODATA"),
	      "mod mem type name");
}

static void test_other_namespaces(void)
{
	check(heki_kdata_type_valid(HEKI_KDATA_MODE) &&
	      !heki_kdata_type_valid((heki_kdata_type_t)8) &&
	      !heki_kdata_type_valid((heki_kdata_type_t)~0ULL), "kdata type: 7 valid, 8 and ~0 not");
	check(streq(heki_kdata_type_name(HEKI_KDATA_MODE), "HEKI_KDATA_MODE") &&
	      heki_kdata_type_name((heki_kdata_type_t)8) == NULL, "kdata type name");
	check(heki_kexec_type_valid(HEKI_KEXEC_PAGES) &&
	      !heki_kexec_type_valid((heki_kexec_type_t)3), "kexec type: 2 valid, 3 not");
	check(streq(heki_kexec_type_name(HEKI_KEXEC_KERNEL_BLOB), "HEKI_KEXEC_KERNEL_BLOB") &&
	      heki_kexec_type_name((heki_kexec_type_t)3) == NULL, "kexec type name");
	check(heki_name_lookup(NULL, 0, 0) == NULL, "name lookup: empty table");
}

static void test_range_accessors(void)
{
	struct heki_range r;

	memset(&r, 0, sizeof(r));
	heki_range_set_mem_attr(&r, MEM_ATTR_READ | MEM_ATTR_EXEC);
	check(r.attributes == 5 && heki_mem_attr_raw(heki_range_mem_attr(&r)) == 5,
	      "range: mem attr round-trips through attributes");
	heki_range_set_kdata_type(&r, HEKI_KDATA_KERNEL_DATA);
	check(r.attributes == 4 && heki_kdata_type_raw(heki_range_kdata_type(&r)) == 4,
	      "range: kdata type round-trips");
	heki_range_set_mod_mem_type(&r, HEKI_MOD_MEM_PATCH);
	check(r.attributes == 8 && heki_mod_mem_type_raw(heki_range_mod_mem_type(&r)) == 8,
	      "range: mod mem type round-trips");
	heki_range_set_kexec_type(&r, HEKI_KEXEC_KERNEL_BLOB);
	check(r.attributes == 1 && heki_kexec_type_raw(heki_range_kexec_type(&r)) == 1,
	      "range: kexec type round-trips");
	check(heki_page_aligned(0) && heki_page_aligned(0x7000) && !heki_page_aligned(0x7FFF) &&
	      !heki_page_aligned(0x8000000000000001ULL), "page aligned");
}

static void test_modsig(void)
{
	struct heki_module_signature s, t;

	memset(&s, 0, sizeof(s));
	s.id_type = HEKI_PKEY_ID_PKCS7;
	s.sig_len_be[2] = 1;
	s.sig_len_be[3] = 2;
	check(heki_module_signature_sig_len(&s) == 258, "modsig: sig_len is big-endian");
	heki_module_signature_set_sig_len(&s, 0xA1B2C3D4);
	check(s.sig_len_be[0] == 0xA1 && s.sig_len_be[3] == 0xD4 &&
	      heki_module_signature_sig_len(&s) == 0xA1B2C3D4, "modsig: set_sig_len round-trips");
	check(heki_module_signature_is_pkcs7(&s), "modsig: PKCS#7 shape accepted");
	t = s; t.algo = 1;
	check(!heki_module_signature_is_pkcs7(&t), "modsig: algo != 0 refused");
	t = s; t.hash = 1;
	check(!heki_module_signature_is_pkcs7(&t), "modsig: hash != 0 refused");
	t = s; t.id_type = HEKI_PKEY_ID_X509;
	check(!heki_module_signature_is_pkcs7(&t), "modsig: id_type X509 refused");
	t = s; t.signer_len = 1;
	check(!heki_module_signature_is_pkcs7(&t), "modsig: signer_len != 0 refused");
	t = s; t.key_id_len = 1;
	check(!heki_module_signature_is_pkcs7(&t), "modsig: key_id_len != 0 refused");
	t = s; heki_module_signature_set_sig_len(&t, 0);
	check(!heki_module_signature_is_pkcs7(&t), "modsig: sig_len 0 refused");
	check(memcmp(HEKI_MODULE_SIG_MAGIC, "~Module signature appended~\n", 28) == 0,
	      "modsig: magic bytes");
}

static void test_errors(void)
{
#define ROW(name, err, msg) { HEKI_VSM_ERR_##name, (err), #name, msg },
	static const struct { enum heki_vsm_error e; int err; const char *n, *m; } vsm[] = {
		HEKI_VSM_ERROR_LIST(ROW)
	};
#undef ROW
#define ROW(name, err, msg) { HEKI_VERIFY_ERR_##name, (err), #name, msg },
	static const struct { enum heki_verify_error e; int err; const char *n, *m; } ver[] = {
		HEKI_VERIFY_ERROR_LIST(ROW)
	};
#undef ROW
	unsigned int i;
	int ok = 1;

	for (i = 0; i < HEKI_ARRAY_SIZE(vsm); i++)
		ok &= (int)vsm[i].e == (int)i + 1 &&
		      heki_vsm_error_errno(vsm[i].e) == vsm[i].err &&
		      streq(heki_vsm_error_name(vsm[i].e), vsm[i].n) &&
		      streq(heki_vsm_error_message(vsm[i].e), vsm[i].m) &&
		      vsm[i].err > 0 && vsm[i].err < 4096;
	check(ok && HEKI_ARRAY_SIZE(vsm) == HEKI_VSM_ERR_COUNT - 1,
	      "vsm errors: codes 1..N, errno/name/message per list entry");
	check(heki_vsm_error_errno(HEKI_VSM_OK) == 0 && streq(heki_vsm_error_name(HEKI_VSM_OK), "OK"),
	      "vsm errors: OK is errno 0");
	check(heki_vsm_error_errno(HEKI_VSM_ERR_COUNT) == HEKI_EINVAL &&
	      heki_vsm_error_name(HEKI_VSM_ERR_COUNT) == NULL &&
	      heki_vsm_error_message(HEKI_VSM_ERR_COUNT) == NULL,
	      "vsm errors: COUNT is out of range");
	check(heki_vsm_error_desc((enum heki_vsm_error)-1) == NULL,
	      "vsm errors: -1 is out of range");
	ok = 1;
	for (i = 0; i < HEKI_ARRAY_SIZE(ver); i++)
		ok &= (int)ver[i].e == (int)i + 1 &&
		      heki_verify_error_errno(ver[i].e) == ver[i].err &&
		      streq(heki_verify_error_name(ver[i].e), ver[i].n) &&
		      streq(heki_verify_error_message(ver[i].e), ver[i].m);
	check(ok && HEKI_ARRAY_SIZE(ver) == HEKI_VERIFY_ERR_COUNT - 1,
	      "verify errors: codes 1..N, errno/name/message per list entry");
	check(heki_verify_error_errno(HEKI_VERIFY_ERR_COUNT) == HEKI_EINVAL &&
	      heki_verify_error_desc((enum heki_verify_error)-1) == NULL,
	      "verify errors: out of range");
}

int main(void)
{
	test_hv_status();
	test_hypercall();
	test_reg_fields();
	test_input_vtl();
	test_func_ids();
	test_results();
	test_cpu_mask();
	test_mem_attr();
	test_mod_mem();
	test_other_namespaces();
	test_range_accessors();
	test_modsig();
	test_errors();
	return check_done();
}
