// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! LiteBox's unit tests of these types (litebox_platform_lvbs
//! `mshv/mod.rs`, `mod tests`, as vtl1-litebox.md §6 describes them),
//! ported to heki_abi: five of its seven. The two
//! `HvNestedEnlightenmentsControl` tests have no type to port to (the C
//! ABI has no nested enlightenment control; Documentation/rust.rst).
//! Each also pins the raw bit positions, which the originals left to
//! `modular_bitfield`.

use heki_abi::mshv::*;
use std::mem::size_of;

#[test]
fn test_hv_input_vtl_bitfield() {
    let v = HvInputVtl::new_for_vtl(5);
    assert_eq!(v.target_vtl(), 5);
    assert!(v.use_target_vtl());
    assert_eq!(v.as_u8(), 0x15, "target in bits 0..3, use_target_vtl bit 4");

    let cur = HvInputVtl::current();
    assert!(!cur.use_target_vtl());
    assert_eq!(cur.as_u8(), 0);

    let mut s = HvInputVtl::new();
    s.set_target_vtl(10);
    assert_eq!(s.target_vtl(), 10);
    s.set_use_target_vtl(true);
    assert!(s.use_target_vtl());
    s.set_use_target_vtl(false);
    assert!(!s.use_target_vtl());
    assert_eq!(s.target_vtl(), 10, "use_target_vtl leaves target_vtl alone");

    assert_eq!(size_of::<HvInputVtl>(), 1);
    assert_eq!(HvInputVtl::new_for_vtl(15).target_vtl(), 15, "the largest VTL fits");

    let d = HvInputVtl::default();
    assert_eq!(d.target_vtl(), 0);
    assert!(!d.use_target_vtl());
}

#[test]
fn test_hv_register_vsm_partition_config_bitfield() {
    let mut c = HvRegisterVsmPartitionConfig::new();
    c.set_enable_vtl_protection(true);
    c.set_zero_memory_on_reset(true);
    c.set_intercept_page(true);
    assert!(c.enable_vtl_protection());
    assert!(c.zero_memory_on_reset());
    assert!(c.intercept_page());
    assert!(!c.deny_lower_vtl_startup());
    assert_eq!(c.as_u64(), (1 << 0) | (1 << 5) | (1 << 12));

    c.set_default_vtl_protection_mask(0b1010);
    assert_eq!(c.default_vtl_protection_mask(), 0b1010);
    assert_eq!(c.as_u64() & 0x1E, 0b1010 << 1, "the 4-bit mask is bits 1..4");

    assert_eq!(size_of::<HvRegisterVsmPartitionConfig>(), 8);

    let v = c.as_u64();
    let back = HvRegisterVsmPartitionConfig::from_u64(v);
    assert_eq!(back.as_u64(), v);
    assert_eq!(back.default_vtl_protection_mask(), 0b1010);
    assert!(back.intercept_page());

    assert_eq!(HvRegisterVsmPartitionConfig::default().as_u64(), 0);

    let b = HvRegisterVsmPartitionConfig::new()
        .with_intercept_acceptance(true)
        .with_intercept_vp_startup(true);
    assert!(b.intercept_acceptance());
    assert!(b.intercept_vp_startup());
    assert!(!b.enable_vtl_protection());
    assert_eq!(b.as_u64(), (1 << 7) | (1 << 9));
}

#[test]
fn test_hv_register_vsm_vp_secure_vtl_config_bitfield() {
    let mut c = HvRegisterVsmVpSecureVtlConfig::new();
    c.set_mbec_enabled(true);
    c.set_tlb_locked(true);
    assert!(c.mbec_enabled());
    assert!(c.tlb_locked());
    assert_eq!(size_of::<HvRegisterVsmVpSecureVtlConfig>(), 8);
    assert_ne!(c.as_u64(), 0);
    assert_eq!(c.as_u64(), 0b11, "mbec_enabled bit 0, tlb_locked bit 1");
    let d = HvRegisterVsmVpSecureVtlConfig::default();
    assert_eq!(d.as_u64(), 0);
    assert!(!d.mbec_enabled());
    assert!(!d.tlb_locked());
}

#[test]
fn test_hv_synic_sint_bitfield() {
    let mut s = HvSynicSint::new();
    s.set_vector(0xF3);
    assert_eq!(s.vector(), 0xF3);
    s.set_masked(true);
    s.set_auto_eoi(true);
    s.set_polling(true);
    assert!(s.masked());
    assert!(s.auto_eoi());
    assert!(s.polling());
    assert_eq!(size_of::<HvSynicSint>(), 8);
    assert_ne!(s.as_uint64(), 0);
    assert_eq!(s.as_uint64(), 0xF3 | (1 << 16) | (1 << 17) | (1 << 18));
    let d = HvSynicSint::default();
    assert_eq!(d.vector(), 0);
    assert!(!d.masked());
    assert!(!d.auto_eoi());
    assert!(!d.polling());
}

#[test]
fn test_hv_pending_exception_event_bitfield() {
    let mut e = HvPendingExceptionEvent::new();
    e.set_event_pending(true);
    e.set_deliver_error_code(true);
    assert!(e.event_pending());
    assert!(e.deliver_error_code());

    e.set_event_type(0b101);
    assert_eq!(e.event_type(), 0b101);
    e.set_event_type(7);
    assert_eq!(e.event_type(), 7, "event_type is 3 bits");

    e.set_vector(0x1234);
    assert_eq!(e.vector(), 0x1234);
    e.set_vector(0xABCD);
    assert_eq!(e.vector(), 0xABCD, "vector is 16 bits");

    e.set_error_code(0xDEAD_BEEF);
    assert_eq!(e.error_code(), 0xDEAD_BEEF, "error_code is 32 bits");
    assert_eq!(
        e.as_u64(),
        1 | (7 << 1) | (1 << 8) | (0xABCD << 16) | (0xDEAD_BEEF << 32)
    );

    assert_eq!(size_of::<HvPendingExceptionEvent>(), 8);
    assert_eq!(HvPendingExceptionEvent::default().as_u64(), 0);
}
