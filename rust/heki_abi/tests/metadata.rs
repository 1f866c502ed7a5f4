// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! The seed's run-time metadata types (feature `alloc`): the constructors
//! refuse what LiteBox's `x86_64` types panic on.
#![cfg(feature = "alloc")]

use heki_abi::error::VsmError;
use heki_abi::heki::{HekiRange, ModMemType};
use heki_abi::vsm::*;

#[test]
fn module_ranges_refuse_vtl0_values_litebox_panics_on() {
    let bad_va = ModuleMemoryRange::try_new(1 << 47, 0x1000, 0x2000, ModMemType::Text);
    assert_eq!(bad_va, Err(VsmError::InvalidVirtualAddress));
    let bad_pa = ModuleMemoryRange::try_new(0, 1 << 52, 1 << 52, ModMemType::Text);
    assert_eq!(bad_pa, Err(VsmError::InvalidPhysicalAddress));
    assert_eq!(
        KexecMemoryRange::try_new(0, 0x3000, 0x1000),
        Err(VsmError::RangeEndBeforeStart)
    );

    let mut m = ModuleMemoryMetadata::new();
    let r = HekiRange {
        va: 0xFFFF_FFFF_C000_0000,
        pa: 0x1_2345,
        epa: 0x3_4567,
        attributes: 4,
    };
    m.insert_heki_range(&r).unwrap();
    let bad = HekiRange { va: 1 << 63, ..r };
    assert_eq!(m.insert_heki_range(&bad), Err(VsmError::InvalidVirtualAddress));
    assert_eq!(m.iter().count(), 1, "a refused range is not recorded");
    let got = m.iter().next().unwrap();
    assert_eq!(
        got.phys_frame_range,
        0x1_2000..0x3_4000,
        "frames containing pa up to the one containing epa"
    );
    assert_eq!(got.mod_mem_type, ModMemType::InitText);
    m.insert_patch_target(0x1_2345);
    assert_eq!(m.get_patch_targets(), &vec![0x1_2345]);
    assert_eq!((&m).into_iter().count(), 1);
    assert_eq!(ModuleMemoryRange::default().mod_mem_type, ModMemType::Unknown);
}

#[test]
fn kexec_metadata_holds_and_clears_ranges() {
    let mut k = KexecMemoryMetadata::new();
    let r = HekiRange {
        va: 0,
        pa: 0x5000,
        epa: 0x7000,
        attributes: 2,
    };
    k.insert_heki_range(&r).unwrap();
    k.insert_memory_range(KexecMemoryRange::default());
    assert_eq!(k.iter().count(), 2);
    assert_eq!(k.iter().next().unwrap().phys_frame_range, 0x5000..0x7000);
    k.clear();
    assert_eq!((&k).into_iter().count(), 0);
}
