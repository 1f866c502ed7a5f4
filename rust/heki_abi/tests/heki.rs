// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! The checks a VTL1 runs on what VTL0 sends, case by case, refusals
//! first. Each expected code is the one the C VTL1 returns for the same
//! input (vtl1/src/core/chain.c and patchdesc.c, vtl1/src/kdata/kinfo_ext.c
//! and symtab.c); text patches are also compared with the C VTL1 itself
//! (tests/c_oracle.rs).

use heki_abi::error::VsmError;
use heki_abi::heki::*;
use heki_abi::mshv::HvPageProtFlags;
use heki_abi::raw;
use heki_abi::Wire;

const PA_LIMIT: u64 = 1 << 52;

fn range(va: u64, pa: u64, epa: u64) -> HekiRange {
    HekiRange {
        va,
        pa,
        epa,
        attributes: 0,
    }
}

#[test]
fn range_checks_refuse_each_malformed_field_with_its_code() {
    use VsmError::*;
    let cases: &[(HekiRange, Result<(), VsmError>)] = &[
        (range(0x0000_8000_0000_0000, 0, 0), Err(InvalidVirtualAddress)),
        (range(0xFFFF_7FFF_FFFF_FFFF, 0, 0), Err(InvalidVirtualAddress)),
        (range(0x1234_0000_0000_0000, 0, 0), Err(InvalidVirtualAddress)),
        (range(0, PA_LIMIT, PA_LIMIT), Err(InvalidPhysicalAddress)),
        (range(0, 0, PA_LIMIT), Err(InvalidPhysicalAddress)),
        (range(0, u64::MAX, u64::MAX), Err(InvalidPhysicalAddress)),
        (range(0, 0x2000, 0x1FFF), Err(RangeEndBeforeStart)),
        (range(0x0000_8000_0000_0000, PA_LIMIT, 0), Err(InvalidVirtualAddress)),
        (range(0, 0x3000, 0x1000), Err(RangeEndBeforeStart)),
        (range(0x0000_7FFF_FFFF_FFFF, PA_LIMIT - 1, PA_LIMIT - 1), Ok(())),
        (range(0xFFFF_8000_0000_0000, 0, 0), Ok(())),
        (range(0xFFFF_FFFF_FFFF_FFFF, 0x1000, 0x2000), Ok(())),
        (range(0, 0x1000, 0x1000), Ok(())),
    ];
    for (r, want) in cases {
        assert_eq!(r.check(), *want, "{:?}", r);
        assert_eq!(r.is_valid(), want.is_ok(), "{:?}", r);
    }
}

#[test]
fn range_validity_does_not_judge_attributes_but_mem_attr_refuses_unknown_bits() {
    let mut r = range(0xFFFF_8000_0000_0000, 0x1000, 0x2000);
    r.attributes = u64::MAX;
    assert!(r.is_valid(), "each call checks attributes against its own namespace");
    assert_eq!(
        r.mem_attr(),
        None,
        "bits outside MEM_ATTR_VALID_MASK: MEMORY_ATTRIBUTE_INVALID"
    );
    assert_eq!(r.heki_kdata_type(), HekiKdataType::Unknown);
    assert_eq!(r.mod_mem_type(), ModMemType::Unknown);
    assert_eq!(r.heki_kexec_type(), HekiKexecType::Unknown);
    r.attributes = 0x10;
    assert_eq!(r.mem_attr(), None);
    r.attributes = 0xF;
    assert_eq!(r.mem_attr(), Some(MemAttr::all()));
    r.attributes = 9;
    assert_eq!(r.mod_mem_type(), ModMemType::PerCpu, "the heki per-CPU range type");
    assert_eq!(r.heki_kdata_type(), HekiKdataType::Unknown);
}

#[test]
fn typed_attribute_setters_write_the_c_values() {
    let mut r = HekiRange::default();
    r.set_kdata_type(HekiKdataType::PatchInfo);
    assert_eq!(r.attributes, raw::HEKI_KDATA_PATCH_INFO);
    r.set_mod_mem_type(ModMemType::InitRoData);
    assert_eq!(r.attributes, raw::HEKI_MOD_MEM_INIT_RODATA);
    r.set_kexec_type(HekiKexecType::KexecPages);
    assert_eq!(r.attributes, raw::HEKI_KEXEC_PAGES);
    r.set_mem_attr(MemAttr::MEM_ATTR_READ | MemAttr::MEM_ATTR_EXEC);
    assert_eq!(r.attributes, raw::MEM_ATTR_READ | raw::MEM_ATTR_EXEC);
}

#[test]
fn unknown_is_never_a_try_from_result() {
    assert_eq!(
        HekiKdataType::try_from(u64::MAX),
        Err(u64::MAX),
        "LiteBox's num_enum gives Ok(Unknown)"
    );
    assert_eq!(ModMemType::try_from(u64::MAX), Err(u64::MAX));
    assert_eq!(HekiKexecType::try_from(u64::MAX), Err(u64::MAX));
    assert_eq!(HekiKdataType::default(), HekiKdataType::Unknown);
    assert_eq!(ModMemType::default(), ModMemType::Unknown);
}

#[test]
fn alignment_is_false_not_a_panic_for_odd_alignments() {
    let r = range(0x0000_8000_0000_0000, 0x1000, 0x3000);
    assert!(r.is_aligned(0x1000u64), "non-canonical va: no panic either");
    assert!(!r.is_aligned(0x2000u64));
    assert!(!r.is_aligned(0u64));
    assert!(!r.is_aligned(3u32));
    assert!(range(1, 0x1000, 0x2000).is_aligned(1u8));
    assert!(!range(0x1008, 0x1000, 0x2000).is_aligned(0x10u16));
}

#[test]
fn debug_of_a_reversed_range_does_not_panic() {
    let s = format!("{:?}", range(0, 0x2000, 0x1000));
    assert!(s.contains("epa < pa"), "{}", s);
    assert_eq!(range(0, 0x1000, 0x3000).size(), Some(0x2000));
}

fn page(n: u64) -> HekiPage {
    let mut p = HekiPage::new();
    p.nranges = n;
    for (i, r) in p.ranges.iter_mut().enumerate() {
        *r = range(
            0xFFFF_8000_0000_0000 + 0x1000 * i as u64,
            0x1000 * i as u64,
            0x1000 * (i as u64 + 1),
        );
    }
    p
}

#[test]
fn page_checks_refuse_bad_counts_and_the_first_bad_range() {
    for n in [0, HEKI_MAX_RANGES as u64 + 1, 1 << 32, u64::MAX] {
        assert_eq!(page(n).check(), Err(VsmError::ChainPageNrangesInvalid), "nranges {}", n);
        assert!(!page(n).is_valid());
        assert!(page(n).ranges().is_empty(), "an invalid count yields no range");
        assert_eq!((&page(n)).into_iter().count(), 0);
    }
    let mut p = page(3);
    p.ranges[2].epa = 0;
    assert_eq!(p.check(), Err(VsmError::RangeEndBeforeStart));
    p.ranges[1].va = 1 << 47;
    assert_eq!(
        p.check(),
        Err(VsmError::InvalidVirtualAddress),
        "the first bad range names the error"
    );
    let mut q = page(2);
    q.ranges[2].epa = 0;
    assert_eq!(q.check(), Ok(()), "ranges beyond nranges are not read");
    assert_eq!(page(1).check(), Ok(()));
    assert_eq!(page(HEKI_MAX_RANGES as u64).check(), Ok(()));
    assert_eq!((&page(127)).into_iter().count(), 127);
}

#[test]
fn next_pa_must_be_a_page_aligned_physical_address() {
    let mut p = HekiPage::new();
    for (pa, ok) in [
        (0x1000, true),
        (0, true),
        (0x1001, false),
        (PA_LIMIT, false),
        (PA_LIMIT - 0x1000, true),
        (u64::MAX, false),
    ] {
        p.next_pa = pa;
        assert_eq!(p.next_pa_valid(), ok, "{:#x}", pa);
    }
}

fn patch(pa0: u64, pa1: u64, size: u8) -> HekiPatch {
    HekiPatch {
        pa: [pa0, pa1],
        size,
        code: [0x90; 5],
        reserved_22: [0; 2],
    }
}

#[test]
fn patch_checks_refuse_each_malformed_descriptor_with_its_code() {
    use VsmError::*;
    let cases = [
        (patch(0, 0, 1), Err(PatchPaNull)),
        (patch(PA_LIMIT, 0, 1), Err(PatchPaInvalid)),
        (patch(0x1000, PA_LIMIT, 1), Err(PatchPaInvalid)),
        (patch(0x1000, 0x2001, 1), Err(PatchPa1Unaligned)),
        (patch(0x1000, 0, 0), Err(PatchSizeInvalid)),
        (patch(0x1000, 0, 6), Err(PatchSizeInvalid)),
        (patch(0x1000, 0x1000, 1), Err(PatchPaEqual)),
        (patch(0x1FFE, 0, 5), Err(PatchPa1Missing)),
        (patch(0x1000, 0x3000, 5), Err(PatchPa1Unexpected)),
        (patch(0x1FFB, 0x3000, 5), Err(PatchPa1Unexpected)),
        (patch(0x1FFE, 0x1000, 5), Err(PatchPa1SamePage)),
        (patch(0x1FFE, 0x5000, 5), Ok(())),
        (patch(0x1FFB, 0, 5), Ok(())),
        (patch(0x1000, 0, 5), Ok(())),
        (patch(0x1FFF, 0x2000, 2), Ok(())),
    ];
    for (p, want) in cases {
        assert_eq!(p.validate(), want, "pa {:#x?} size {}", p.pa, p.size);
    }
}

#[test]
fn patch_from_bytes_takes_exactly_24_valid_bytes() {
    let good = patch(0x1000, 0, 5).to_bytes();
    assert!(HekiPatch::try_from_bytes(&good).is_some());
    assert!(HekiPatch::try_from_bytes(&good[..23]).is_none());
    let mut long = good.to_vec();
    long.push(0);
    assert!(HekiPatch::try_from_bytes(&long).is_none());
    assert!(HekiPatch::try_from_bytes(&patch(0, 0, 5).to_bytes()).is_none());
}

fn info(ty: u32, n: u64, max: u64) -> HekiPatchInfo {
    HekiPatchInfo {
        type_: ty,
        patch_index: n,
        max_patch_count: max,
        ..Default::default()
    }
}

#[test]
fn patch_info_checks_refuse_each_malformed_header_with_its_code() {
    use VsmError::*;
    let cases = [
        (info(1, 1, 1), Err(PatchInfoTypeInvalid)),
        (info(u32::MAX, 1, 1), Err(PatchInfoTypeInvalid)),
        (info(0, 0, 5), Err(PatchInfoEmpty)),
        (info(0, 6, 5), Err(PatchInfoCountInvalid)),
        (info(0, u64::MAX, u64::MAX - 1), Err(PatchInfoCountInvalid)),
        (info(0, 5, 5), Ok(())),
        (info(0, 1, u64::MAX), Ok(())),
    ];
    for (i, want) in cases {
        assert_eq!(i.validate(), want, "{:?}", i);
        assert_eq!(HekiPatchInfo::try_from_bytes(&i.to_bytes()).is_some(), want.is_ok());
    }
    assert_eq!(info(0, 1, 1).patch_type(), HekiPatchType::JumpLabel);
    assert_eq!(info(7, 1, 1).patch_type(), HekiPatchType::Unknown);
    assert!(HekiPatchInfo::try_from_bytes(&info(0, 1, 1).to_bytes()[..47]).is_none());
}

#[test]
fn kernel_info_and_symbols_read_at_any_alignment_or_refuse_short_input() {
    let mut blob = [0u8; 1 + 40];
    blob[1..9].copy_from_slice(&0xFFFF_FFFF_8100_0000u64.to_le_bytes());
    let k = HekiKernelInfo::from_bytes(&blob[1..]).expect("unaligned is fine");
    assert_eq!(k.ksymtab_start, 0xFFFF_FFFF_8100_0000);
    assert_eq!(
        HekiKernelInfo::from_bytes(&blob[1..32]),
        Err(VsmError::KernelInfoTooSmall)
    );
    assert_eq!(HekiKernelInfo::from_bytes(&[]), Err(VsmError::KernelInfoTooSmall));
    assert_eq!(HekiKernelSymbol::from_bytes(&blob[..11]), Err(VsmError::BufferTooSmall));
    assert!(HekiKernelSymbol::from_bytes(&blob[3..15]).is_ok());
    assert_eq!(HekiKernelSymbol::KSYM_LEN, 12);
    assert_eq!(HekiKernelSymbol::KSY_NAME_LEN, 512);
}

/// A KERNEL_INFO blob: 32 bytes of heki_kernel_info, then `ext`'s first
/// `size` bytes (its `size` field says `size`), then `tail`.
fn blob(ext: &HekiKernelInfoExt, size: u32, tail: &[u8]) -> Vec<u8> {
    let mut e = *ext;
    e.size = size;
    let mut b = vec![0u8; 32];
    let bytes = e.to_bytes();
    b.extend_from_slice(&bytes[..(size as usize).min(bytes.len())]);
    if size as usize > bytes.len() {
        b.resize(32 + size as usize, 0);
    }
    b.extend_from_slice(tail);
    b
}

fn ext() -> HekiKernelInfoExt {
    let mut e = HekiKernelInfoExt {
        magic: raw::HEKI_KERNEL_INFO_EXT_MAGIC,
        linux_version: 0x06_01_7C,
        flags: raw::HEKI_KERNEL_INFO_EXT_RETHUNK,
        text_start: 0xFFFF_FFFF_8100_0000,
        text_end: 0xFFFF_FFFF_8200_0000,
        ncapwords: 24,
        ..Default::default()
    };
    e.capwords[..24]
        .iter_mut()
        .enumerate()
        .for_each(|(i, w)| *w = 0x100 + i as u32);
    e
}

#[test]
fn kernel_info_extension_form_checks_follow_the_c_vtl1() {
    use VsmError::*;
    let full = raw::HEKI_KERNEL_INFO_EXT_SIZE as u32;
    let v1 = raw::HEKI_KERNEL_INFO_EXT_SIZE_V1 as u32;
    let e = ext();

    // Absent: LiteBox's arch info, or too short for a magic.
    assert_eq!(HekiKernelInfoExt::find(&[0u8; 32]), Ok(None));
    assert_eq!(HekiKernelInfoExt::find(&blob(&e, full, &[])[..35]), Ok(None));
    let mut other = blob(&e, full, &[]);
    other[32] ^= 1;
    assert_eq!(HekiKernelInfoExt::find(&other), Ok(None));

    assert_eq!(
        HekiKernelInfoExt::find(&blob(&e, full, &[])[..39]),
        Err(KernelInfoExtTruncated)
    );
    assert_eq!(
        HekiKernelInfoExt::find(&blob(&e, v1 - 1, &[])),
        Err(KernelInfoExtSizeInvalid)
    );
    assert_eq!(
        HekiKernelInfoExt::find(&blob(&e, full, &[])[..32 + 207]),
        Err(KernelInfoExtTruncated)
    );
    assert_eq!(
        HekiKernelInfoExt::find(&blob(&e, v1 + 8, &[])),
        Err(KernelInfoExtCapwordsCount)
    );
    assert_eq!(
        HekiKernelInfoExt::find(&blob(&e, full - 1, &[])),
        Err(KernelInfoExtCapwordsCount)
    );

    let mut bad = e;
    bad.pad = 1;
    assert_eq!(
        HekiKernelInfoExt::find(&blob(&bad, full, &[])),
        Err(KernelInfoExtReserved)
    );
    let mut bad = e;
    bad.flags = raw::HEKI_KERNEL_INFO_EXT_FLAGS + 1;
    assert_eq!(
        HekiKernelInfoExt::find(&blob(&bad, full, &[])),
        Err(KernelInfoExtReserved)
    );
    for n in [1, 11, 33, u32::MAX] {
        let mut bad = e;
        bad.ncapwords = n;
        assert_eq!(
            HekiKernelInfoExt::find(&blob(&bad, full, &[])),
            Err(KernelInfoExtCapwordsCount),
            "{}",
            n
        );
    }
    let mut bad = e;
    bad.pad2 = 1;
    assert_eq!(
        HekiKernelInfoExt::find(&blob(&bad, full, &[])),
        Err(KernelInfoExtReserved)
    );
    let mut bad = e;
    bad.capwords[24] = 1;
    assert_eq!(
        HekiKernelInfoExt::find(&blob(&bad, full, &[])),
        Err(KernelInfoExtReserved)
    );

    let got = HekiKernelInfoExt::find(&blob(&e, full, &[1, 2, 3])).unwrap().unwrap();
    assert_eq!(got.capwords[23], 0x100 + 23);
    assert_eq!(got.text_end, e.text_end);
    let bigger = HekiKernelInfoExt::find(&blob(&e, full + 16, &[])).unwrap().unwrap();
    assert_eq!(bigger.size, full + 16, "a newer, larger sender is read");

    // Version 1: the bytes after 72 are the pv_ops values, not capwords.
    let mut b = blob(&e, v1, &[]);
    b.extend_from_slice(&[0xFF; 64]);
    let old = HekiKernelInfoExt::find(&b).unwrap().unwrap();
    assert_eq!(old.ncapwords, 0);
    assert!(old.capwords.iter().all(|&w| w == 0));
}

#[test]
fn kimage_segments_are_bounded_by_kexec_segment_max() {
    let mut k = HekiKimage::default();
    for n in [17, 1 << 32, u64::MAX] {
        k.nr_segments = n;
        assert_eq!(k.segments(), Err(VsmError::KexecImageSegmentsInvalid), "{}", n);
    }
    k.nr_segments = 16;
    assert_eq!(k.segments().unwrap().len(), 16);
    k.nr_segments = 0;
    assert!(k.segments().unwrap().is_empty());
}

#[test]
fn module_signature_trailer() {
    assert_eq!(MODULE_SIG_MAGIC, b"~Module signature appended~\n");
    let mut s = HekiModuleSignature {
        id_type: 2,
        ..Default::default()
    };
    assert!(!s.is_pkcs7(), "sig_len 0");
    s.set_sig_len(0x0102_0304);
    assert_eq!(s.sig_len_be, [1, 2, 3, 4], "big-endian");
    assert!(s.is_pkcs7());
    s.hash = 1;
    assert!(!s.is_pkcs7());
}

#[test]
fn conversions_are_litebox_s_table() {
    let r = MemAttr::MEM_ATTR_READ;
    let w = MemAttr::MEM_ATTR_WRITE;
    let x = MemAttr::MEM_ATTR_EXEC;
    // vtl1-litebox.md §2: R -> 0x9, RW -> 0xB, RX -> 0xD; IMMUTABLE adds nothing.
    assert_eq!(mem_attr_to_hv_page_prot_flags(r).bits(), 0x9);
    assert_eq!(mem_attr_to_hv_page_prot_flags(r | w).bits(), 0xB);
    assert_eq!(mem_attr_to_hv_page_prot_flags(r | x).bits(), 0xD);
    assert_eq!(mem_attr_to_hv_page_prot_flags(r | w | x).bits(), 0xF);
    assert_eq!(
        mem_attr_to_hv_page_prot_flags(MemAttr::MEM_ATTR_IMMUTABLE),
        HvPageProtFlags::empty()
    );
    assert_eq!(mod_mem_type_to_mem_attr(ModMemType::Text), r | x);
    assert_eq!(mod_mem_type_to_mem_attr(ModMemType::RoAfterInit), r | w);
    assert_eq!(mod_mem_type_to_mem_attr(ModMemType::InitRoData), r);
    for t in [
        ModMemType::ElfBuffer,
        ModMemType::Patch,
        ModMemType::PerCpu,
        ModMemType::Unknown,
    ] {
        assert_eq!(mod_mem_type_to_mem_attr(t), MemAttr::empty(), "{:?}", t);
        assert!(!t.is_memory());
    }
}

#[test]
fn wire_sizes_are_the_seed_s() {
    assert_eq!(<HekiRange as Wire>::SIZE, 32);
    assert_eq!(<HekiPage as Wire>::SIZE, 4096);
    assert_eq!(<HekiPatch as Wire>::SIZE, 24);
    assert_eq!(<HekiPatchInfo as Wire>::SIZE, 48);
    assert_eq!(<HekiKimage as Wire>::SIZE, 584);
    assert_eq!(HEKI_MAX_RANGES, 127);
    assert_eq!(POKE_MAX_OPCODE_SIZE, 5);
}
