// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Every constant, list entry, flag, register field and conversion of the
//! crate against a C program compiled over the same `uapi/heki` headers
//! (and, for text patches, against the C VTL1's own validator).
//!
//! The generated part (`generated/oracle.rs`) pairs each generated item
//! with its C expression; the rest pairs the hand-written, seed-typed
//! items and functions with theirs. Each test is one C program.

mod common;

use common::Checks;
use heki_abi::error::{VerificationError, VsmError};
use heki_abi::heki::*;
use heki_abi::hvcall::*;
use heki_abi::mem_layout::*;
use heki_abi::mshv::*;
use heki_abi::raw;
use heki_abi::vsm::*;
use heki_abi::Wire;

#[allow(clippy::all)]
mod generated {
    use super::*;
    include!("generated/oracle.rs");
}

/// Register values every field accessor is tried on.
const REGS: &[u64] = &[
    0,
    u64::MAX,
    0x5555_5555_5555_5555,
    0xAAAA_AAAA_AAAA_AAAA,
    0x0123_4567_89AB_CDEF,
    0x8000_0000_0000_0001,
    0x0000_0000_FFFF_0000,
];

/// Field values every setter is tried with (wider ones get truncated to
/// the field's Rust type, then to the field, as in C).
const VALS: &[u64] = &[0, 1, 2, 5, 0xF, 0x1F, 0xFF, 0x1234, 0xFFFF, 0xDEAD_BEEF, u64::MAX];

#[test]
fn every_constant_has_the_c_value_size_and_signedness() {
    let mut c = Checks::new();
    generated::constants(&mut c);
    c.run("constants");
}

#[test]
fn every_list_entry_has_the_c_value_name_errno_and_message() {
    let mut c = Checks::new();
    generated::lists(&mut c);
    c.run("lists");
}

#[test]
fn every_flag_has_the_c_value() {
    let mut c = Checks::new();
    generated::flags(&mut c);
    c.run("flags");
}

#[test]
fn every_register_field_reads_and_writes_as_the_c_accessors() {
    let mut c = Checks::new();
    generated::registers(&mut c, REGS, VALS);
    c.run("registers");
}

#[test]
fn seed_typed_constants_have_the_c_values() {
    let mut c = Checks::new();
    c.val("HEKI_PAGE_SIZE", PAGE_SIZE as u64);
    c.val("HEKI_PAGE_SHIFT", PAGE_SHIFT as u64);
    c.val("HEKI_MAX_RANGES", HEKI_MAX_RANGES as u64);
    c.val("POKE_MAX_OPCODE_SIZE", POKE_MAX_OPCODE_SIZE as u64);
    c.val("MODULE_VALIDATION_MAX_SIZE", MODULE_VALIDATION_MAX_SIZE as u64);
    c.val("HV_SECURE_VTL_BOOT_TOKEN", HV_SECURE_VTL_BOOT_TOKEN as u64);
    c.val("NUM_VTLCALL_PARAMS", NUM_VTLCALL_PARAMS as u64);
    c.val("HV_VTL_NORMAL", HV_VTL_NORMAL as u64);
    c.val("HV_VTL_SECURE", HV_VTL_SECURE as u64);
    c.val("HV_VTL_MGMT", HV_VTL_MGMT as u64);
    c.val("HEKI_PA_LIMIT", HEKI_PA_LIMIT);
    c.val("KEXEC_SEGMENT_MAX", KEXEC_SEGMENT_MAX as u64);
    c.val("HEKI_KERNEL_SYMBOL_SIZE", HekiKernelSymbol::KSYM_LEN as u64);
    c.val("HEKI_KSYM_NAME_LEN", HekiKernelSymbol::KSY_NAME_LEN as u64);
    c.val("HEKI_KERNEL_INFO_SIZE", HekiKernelInfo::KINFO_LEN as u64);
    c.val("HEKI_CPU_MASK_MAX_CPUS", HEKI_CPU_MASK_MAX_CPUS as u64);
    c.val("HEKI_BOOT_SIGNAL_PAGE_SIZE", HEKI_BOOT_SIGNAL_PAGE_SIZE as u64);
    c.val(
        "HV_VP_ASSIST_PAGE_VTL_ENTRY_REASON_OFFSET",
        HV_VP_ASSIST_PAGE_VTL_ENTRY_REASON_OFFSET as u64,
    );
    c.val("HEKI_PATCH_TYPE_JUMP_LABEL", HekiPatchType::JumpLabel as u64);
    c.bytes("HEKI_MODULE_SIG_MAGIC", MODULE_SIG_MAGIC);
    for (name, v) in [
        ("HV_X64_MSR_GUEST_OS_ID", HV_X64_MSR_GUEST_OS_ID),
        ("HV_X64_MSR_HYPERCALL", HV_X64_MSR_HYPERCALL),
        ("HV_X64_MSR_VP_INDEX", HV_X64_MSR_VP_INDEX),
        ("HV_X64_MSR_VP_ASSIST_PAGE", HV_X64_MSR_VP_ASSIST_PAGE),
        ("HV_X64_MSR_SCONTROL", HV_X64_MSR_SCONTROL),
        ("HV_X64_MSR_SIEFP", HV_X64_MSR_SIEFP),
        ("HV_X64_MSR_SIMP", HV_X64_MSR_SIMP),
        ("HV_X64_MSR_SINT0", HV_X64_MSR_SINT0),
        ("MSR_IA32_APICBASE", MSR_IA32_APICBASE),
        ("MSR_IA32_SYSENTER_CS", MSR_IA32_SYSENTER_CS),
        ("MSR_IA32_SYSENTER_ESP", MSR_IA32_SYSENTER_ESP),
        ("MSR_IA32_SYSENTER_EIP", MSR_IA32_SYSENTER_EIP),
        ("MSR_SYSCALL_MASK", MSR_SYSCALL_MASK),
    ] {
        c.val(name, v as u64);
    }
    for (name, v) in [
        ("HVCALL_MODIFY_VTL_PROTECTION_MASK", HVCALL_MODIFY_VTL_PROTECTION_MASK),
        ("HVCALL_ENABLE_PARTITION_VTL", HVCALL_ENABLE_PARTITION_VTL),
        ("HVCALL_ENABLE_VP_VTL", HVCALL_ENABLE_VP_VTL),
        ("HVCALL_VTL_CALL", HVCALL_VTL_CALL),
        ("HVCALL_VTL_RETURN", HVCALL_VTL_RETURN),
        (
            "HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX",
            HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX,
        ),
        (
            "HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX",
            HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX,
        ),
        ("HVCALL_GET_VP_REGISTERS", HVCALL_GET_VP_REGISTERS),
        ("HVCALL_SET_VP_REGISTERS", HVCALL_SET_VP_REGISTERS),
    ] {
        c.val(name, v as u64);
    }
    for (name, size) in [
        ("heki_vtlcall_regs", <raw::heki_vtlcall_regs as Wire>::SIZE),
        ("heki_cpu_mask", <raw::heki_cpu_mask as Wire>::SIZE),
        ("heki_range", <raw::heki_range as Wire>::SIZE),
        ("heki_page", <raw::heki_page as Wire>::SIZE),
        ("heki_patch", <raw::heki_patch as Wire>::SIZE),
        ("heki_patch_info", <raw::heki_patch_info as Wire>::SIZE),
        ("heki_kernel_info", <raw::heki_kernel_info as Wire>::SIZE),
        ("heki_kernel_info_ext", <raw::heki_kernel_info_ext as Wire>::SIZE),
        ("heki_kernel_symbol", <raw::heki_kernel_symbol as Wire>::SIZE),
        ("heki_kexec_segment", <raw::heki_kexec_segment as Wire>::SIZE),
        ("heki_kimage", <raw::heki_kimage as Wire>::SIZE),
        ("heki_module_signature", <raw::heki_module_signature as Wire>::SIZE),
    ] {
        c.val(&format!("sizeof(struct {})", name), size as u64);
    }
    c.run("seed-constants");
}

/// Values around and beyond every list, for the "is it an entry" tests.
fn probe_values(count: u64) -> Vec<u64> {
    let mut v: Vec<u64> = (0..count + 3).collect();
    v.extend([0x7FFF_FFFF, 0xFFFF_FFFF, 1 << 32, 1 << 63, u64::MAX]);
    v
}

#[test]
fn try_from_accepts_exactly_what_c_calls_valid_and_names() {
    let mut c = Checks::new();
    for v in probe_values(HekiKdataType::ALL.len() as u64) {
        let r = HekiKdataType::try_from(v);
        c.val(
            &format!("heki_kdata_type_valid((heki_kdata_type_t){}ULL)", v),
            r.is_ok() as u64,
        );
        c.str(
            &format!("heki_kdata_type_name((heki_kdata_type_t){}ULL)", v),
            r.ok().map(|t| t.name()),
        );
    }
    for v in probe_values(ModMemType::ALL.len() as u64) {
        let r = ModMemType::try_from(v);
        c.val(
            &format!("heki_mod_mem_type_valid((heki_mod_mem_type_t){}ULL)", v),
            r.is_ok() as u64,
        );
        c.str(
            &format!("heki_mod_mem_type_name((heki_mod_mem_type_t){}ULL)", v),
            r.ok().map(|t| t.name()),
        );
        if let Ok(t) = r {
            c.val(
                &format!("heki_mod_mem_type_is_memory((heki_mod_mem_type_t){}ULL)", v),
                t.is_memory() as u64,
            );
        }
        let t = r.unwrap_or(ModMemType::Unknown);
        c.val(
            &format!("heki_mod_mem_type_to_mem_attr((heki_mod_mem_type_t){}ULL)", v),
            mod_mem_type_to_mem_attr(t).bits(),
        );
    }
    for v in probe_values(HekiKexecType::ALL.len() as u64) {
        let r = HekiKexecType::try_from(v);
        c.val(
            &format!("heki_kexec_type_valid((heki_kexec_type_t){}ULL)", v),
            r.is_ok() as u64,
        );
        c.str(
            &format!("heki_kexec_type_name((heki_kexec_type_t){}ULL)", v),
            r.ok().map(|t| t.name()),
        );
    }
    let funcs = (0x1_FFD0u32..0x2_0000).chain([0, 0xFFFF_FFFF, 0x8001_FFE0]);
    for v in funcs {
        let r = VsmFunction::try_from(v);
        c.val(&format!("vsm_func_id_known((vsm_func_id_t){}U)", v), r.is_ok() as u64);
        c.str(
            &format!("vsm_func_id_name((vsm_func_id_t){}U)", v),
            r.ok().map(|f| f.name()),
        );
    }
    for v in (0u16..0x100).chain([0x7FFF, 0xFFFF]) {
        // SUCCESS is a status but not an error.
        let want = if v == 0 {
            Some("HV_STATUS_SUCCESS")
        } else {
            HypervCallError::try_from(v).ok().map(|e| e.name())
        };
        c.str(&format!("hv_status_name((hv_status_t){})", v), want);
    }
    c.run("try-from");
}

#[test]
fn error_codes_outside_the_lists_are_what_c_says() {
    let mut c = Checks::new();
    let count = raw::HEKI_VSM_ERR_COUNT as u32;
    for v in (0..count + 3).chain([0x7FFF_FFFF, u32::MAX]) {
        let r = VsmError::try_from(v);
        let name = if v == 0 { Some("OK") } else { r.ok().map(|e| e.name()) };
        c.str(&format!("heki_vsm_error_name((enum heki_vsm_error){}U)", v), name);
        let errno = match (v, r) {
            (0, _) => 0,
            (_, Ok(e)) => e.errno(),
            (_, Err(_)) => raw::HEKI_EINVAL,
        };
        c.val(
            &format!("(unsigned long long)heki_vsm_error_errno((enum heki_vsm_error){}U)", v),
            errno as u64,
        );
    }
    let count = raw::HEKI_VERIFY_ERR_COUNT as u32;
    for v in (0..count + 3).chain([u32::MAX]) {
        let r = VerificationError::try_from(v);
        let name = if v == 0 { Some("OK") } else { r.ok().map(|e| e.name()) };
        c.str(&format!("heki_verify_error_name((enum heki_verify_error){}U)", v), name);
    }
    for e in VsmError::ALL {
        c.val(
            &format!("heki_vtlcall_result_from_vsm_error(HEKI_VSM_ERR_{})", e.name()),
            e.vtlcall_result(),
        );
    }
    c.run("error-codes");
}

#[test]
fn attribute_conversions_are_the_c_ones() {
    let mut c = Checks::new();
    let attrs = (0u64..0x40).chain([1 << 4, 1 << 32, 1 << 63, u64::MAX, u64::MAX - 0xF]);
    for a in attrs {
        c.val(
            &format!("heki_mem_attr_to_hv_page_prot((heki_mem_attr_t){}ULL)", a),
            mem_attr_to_hv_page_prot_flags(MemAttr::from_bits_retain(a)).bits() as u64,
        );
        c.val(
            &format!("heki_mem_attr_valid((heki_mem_attr_t){}ULL)", a),
            MemAttr::from_bits(a).is_some() as u64,
        );
        let r = HekiRange {
            attributes: a,
            ..Default::default()
        };
        c.val(
            &format!("heki_range_mem_attr(&(struct heki_range){{ .attributes = {}ULL }})", a),
            r.attributes,
        );
    }
    c.run("attributes");
}

#[test]
fn hypercall_words_are_the_c_ones() {
    let mut c = Checks::new();
    let codes = [0u16, 1, 0x0C, 0x51, 0xFFFF];
    let nums = [0u64, 1, 0x3FF, 0x400, 0xFFF, 0x1000, u64::MAX];
    for &code in &codes {
        for &vh in &nums {
            for &rc in &nums {
                for &rs in &[0u64, 7, 0xFFF, u64::MAX] {
                    c.val(
                        &format!("hv_hypercall_control({}, {}ULL, {}ULL, {}ULL)", code, vh, rc, rs),
                        hypercall_control(code, vh, rc, rs),
                    );
                }
            }
        }
    }
    for r in [
        0u64,
        2,
        0xFFFF,
        0x1_0000,
        0x0000_0FFF_0000_0005,
        u64::MAX,
        0x0000_1234_0000_0078,
    ] {
        c.val(&format!("hv_hypercall_status({}ULL)", r), hypercall_status(r) as u64);
        c.val(
            &format!("hv_hypercall_reps_done({}ULL)", r),
            hypercall_reps_done(r) as u64,
        );
    }
    c.run("hypercall");
}

#[test]
fn vtl_call_registers_and_results_are_the_c_ones() {
    let mut c = Checks::new();
    let r8s = [
        0u64,
        1,
        0x7FFF_FFFF,
        (-1i64) as u64,
        (-22i64) as u64,
        (-4095i64) as u64,
        (-4096i64) as u64,
        i64::MIN as u64,
        u64::MAX,
    ];
    for r8 in r8s {
        c.val(
            &format!("heki_vtlcall_result_is_error({}ULL)", r8),
            vtlcall_result_is_error(r8) as u64,
        );
        c.val(
            &format!("(unsigned long long)heki_vtlcall_result_errno({}ULL)", r8),
            vtlcall_result_errno(r8) as u64,
        );
    }
    for err in [0, 1, 22, 129, 4095] {
        c.val(
            &format!("heki_vtlcall_result_from_errno({})", err),
            vtlcall_result_from_errno(err),
        );
    }
    for rdi in [0x1_FFE0u64, 0xFFFF_FFFF_0001_FFE2, 0x1_0001_FFEB, 0, u64::MAX] {
        let f = VsmFunction::from_rdi(rdi);
        let raw_id = match f {
            Ok(f) => f as u32,
            Err(id) => id,
        };
        c.val(&format!("heki_vtlcall_func({}ULL)", rdi), raw_id as u64);
        c.val(
            &format!("vsm_func_id_known(heki_vtlcall_func({}ULL))", rdi),
            f.is_ok() as u64,
        );
    }
    c.run("vtlcall");
}

#[test]
fn input_vtl_pending_exception_and_cpu_mask_are_the_c_ones() {
    let mut c = Checks::new();
    for b in 0u16..=255 {
        let v = HvInputVtl::from_u8(b as u8);
        c.val(&format!("hv_input_vtl_target({})", b), v.target_vtl() as u64);
        c.val(&format!("hv_input_vtl_use_target({})", b), v.use_target_vtl() as u64);
        c.val(
            &format!("hv_input_vtl({}, 1)", b),
            HvInputVtl::new_for_vtl(b as u8).as_u8() as u64,
        );
        c.val(
            &format!("hv_input_vtl({}, 0)", b),
            HvInputVtl::new().with_target_vtl(b as u8).as_u8() as u64,
        );
    }
    c.val("hv_input_vtl_current()", HvInputVtl::current().as_u8() as u64);
    c.val(
        "hv_pending_exception_gp()",
        HvPendingExceptionEvent::general_protection().as_u64(),
    );
    let masks = [
        [0u64, 0],
        [1, 0],
        [0, 1 << 63],
        [u64::MAX, u64::MAX],
        [0x8000_0000_0000_0001, 0x5],
    ];
    for m in masks {
        let mask = HekiCpuMask { bits: m };
        let lit = format!("&(struct heki_cpu_mask){{ .bits = {{ {}ULL, {}ULL }} }}", m[0], m[1]);
        for cpu in [0u32, 1, 63, 64, 65, 127, 128, 129, 4096, u32::MAX] {
            c.val(&format!("heki_cpu_mask_test({}, {}U)", lit, cpu), mask.test(cpu) as u64);
            let mut after = mask;
            let r = after.set(cpu);
            let ret = match r {
                Ok(()) => 0i64,
                Err(e) => -(e as i64),
            };
            c.val(
                &format!(
                    "({{ struct heki_cpu_mask m_ = *{}; int r_ = heki_cpu_mask_set(&m_, {}U); \
                     (unsigned long long)r_ ^ m_.bits[0] ^ (m_.bits[1] << 1); }})",
                    lit, cpu
                ),
                (ret as u64) ^ after.bits[0] ^ (after.bits[1] << 1),
            );
        }
    }
    c.run("input-vtl");
}

#[test]
fn module_signature_accessors_are_the_c_ones() {
    let mut c = Checks::new();
    let heads: [[u8; 12]; 6] = [
        [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0x2C],
        [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [1, 0, 2, 0, 0, 0, 0, 0, 0x80, 0, 0, 1],
        [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0],
        [0, 0, 2, 0, 3, 9, 9, 9, 0xFF, 0xFF, 0xFF, 0xFF],
        [0, 0, 2, 0, 0, 0xAA, 0xBB, 0xCC, 0x12, 0x34, 0x56, 0x78],
    ];
    for h in heads {
        let s = HekiModuleSignature::read_from_bytes(&h).expect("12 bytes");
        let lit = format!(
            "&(struct heki_module_signature){{ {}, {}, {}, {}, {}, {{ {}, {}, {} }}, {{ {}, {}, {}, {} }} }}",
            h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11]
        );
        c.val(&format!("heki_module_signature_sig_len({})", lit), s.sig_len() as u64);
        c.val(&format!("heki_module_signature_is_pkcs7({})", lit), s.is_pkcs7() as u64);
        let mut t = s;
        t.set_sig_len(0xA1B2_C3D4);
        c.val(
            &format!(
                "({{ struct heki_module_signature s_ = *{}; heki_module_signature_set_sig_len(&s_, 0xA1B2C3D4U); \
                 (unsigned long long)s_.sig_len_be[0] << 24 | s_.sig_len_be[1] << 16 | s_.sig_len_be[2] << 8 | s_.sig_len_be[3]; }})",
                lit
            ),
            u32::from_be_bytes(t.sig_len_be) as u64,
        );
    }
    c.run("modsig");
}

/// Patches around every boundary `heki_patch_validate()` has.
fn patch_grid() -> Vec<HekiPatch> {
    let pas = [
        0u64,
        1,
        0x1000,
        0x1FFB,
        0x1FFC,
        0x1FFD,
        0x1FFF,
        0x2000,
        0x3000,
        0x2FFE,
        (1 << 52) - 1,
        1 << 52,
        (1 << 52) - 0x1000,
        u64::MAX,
        0x2001,
        0x1001,
    ];
    let mut v = Vec::new();
    for &pa0 in &pas {
        for &pa1 in &pas {
            for size in [0u8, 1, 2, 3, 4, 5, 6, 0xFF] {
                v.push(HekiPatch {
                    pa: [pa0, pa1],
                    size,
                    code: [0xCC; 5],
                    reserved_22: [0xAB; 2],
                });
            }
        }
    }
    v
}

#[test]
fn patch_validation_is_the_c_vtl1_validation() {
    let mut c = Checks::new().with_source("vtl1/src/core/patchdesc.c");
    let grid = patch_grid();
    for p in &grid {
        let want = match p.validate() {
            Ok(()) => 0i64,
            Err(e) => -(e as i64),
        };
        c.val(
            &format!(
                "(long long)heki_patch_validate(&(struct heki_patch){{ .pa = {{ {}ULL, {}ULL }}, .size = {} }})",
                p.pa[0], p.pa[1], p.size
            ),
            want as u64,
        );
        c.val(
            &format!(
                "heki_patch_first_page_len(&(struct heki_patch){{ .pa = {{ {}ULL, {}ULL }}, .size = {} }})",
                p.pa[0], p.pa[1], p.size
            ),
            p.first_page_len(),
        );
    }
    assert!(grid.iter().any(|p| p.is_valid()), "the grid holds valid patches");
    assert!(
        grid.iter().any(|p| p.validate() == Err(VsmError::PatchPa1SamePage)),
        "and each failure"
    );
    c.run("patch");
}

#[test]
#[should_panic(expected = "differ from C")]
fn the_oracle_rejects_a_wrong_value() {
    let mut c = Checks::new();
    c.val("HEKI_MAX_RANGES", HEKI_MAX_RANGES as u64 + 1);
    c.run("self-test");
}
