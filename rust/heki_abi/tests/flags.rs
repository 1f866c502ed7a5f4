// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! The hand-written flag sets behave as the `bitflags` 2 sets the seed
//! declares, except where the C side is stricter (`MemAttr`).

use heki_abi::heki::MemAttr;
use heki_abi::mshv::*;

#[test]
fn mem_attr_refuses_bits_outside_the_valid_mask() {
    assert_eq!(MemAttr::from_bits(0x10), None);
    assert_eq!(MemAttr::from_bits(1 << 63), None);
    assert_eq!(MemAttr::from_bits(0xF), Some(MemAttr::all()));
    assert_eq!(MemAttr::all().bits(), heki_abi::raw::MEM_ATTR_VALID_MASK);
    assert_eq!(MemAttr::from_bits_truncate(0x1F).bits(), 0xF);
    assert_eq!(MemAttr::from_bits_retain(0x1F).bits(), 0x1F, "retain keeps every bit");
    assert_eq!(
        (!MemAttr::MEM_ATTR_READ).bits(),
        0xE,
        "complement stays inside the valid bits"
    );
    assert!(MemAttr::all().is_all());
    assert!(!MemAttr::MEM_ATTR_READ.is_all());
}

#[test]
fn register_flags_keep_every_bit_as_the_seed_s() {
    assert_eq!(X86Cr4Flags::from_bits(u32::MAX).map(|f| f.bits()), Some(u32::MAX));
    assert_eq!(X86Cr4Flags::all().bits(), u32::MAX);
    assert_eq!(X86Cr4Flags::CR4_PIN_MASK.bits(), 0xFFFF_DE3F, "~(MCE|PGE|PCE|VMXE)");
    assert_eq!(
        X86Cr0Flags::CR0_PIN_MASK,
        X86Cr0Flags::X86_CR0_PE | X86Cr0Flags::X86_CR0_WP | X86Cr0Flags::X86_CR0_PG
    );
    assert_eq!(X86Cr0Flags::X86_CR0_PG.bits(), 1 << 31);
    assert_eq!(HvCrInterceptControlFlags::MSR_SGX_LAUNCH_CTRL_WRITE.bits(), 1 << 24);
    assert_eq!(
        HvPageProtFlags::HV_PAGE_EXECUTABLE,
        HvPageProtFlags::HV_PAGE_KERNEL_EXECUTABLE | HvPageProtFlags::HV_PAGE_USER_EXECUTABLE
    );
    assert_eq!(HvPageProtFlags::HV_PAGE_FULL_ACCESS.bits(), 0xF);
    assert!(HvPageProtFlags::HV_PAGE_ACCESS_NONE.is_empty());
}

#[test]
fn lock_regs_intercepts_are_litebox_s_0x7fd543() {
    type F = HvCrInterceptControlFlags;
    let lock = F::CR0_WRITE
        | F::CR4_WRITE
        | F::MSR_LSTAR_WRITE
        | F::MSR_STAR_WRITE
        | F::MSR_CSTAR_WRITE
        | F::MSR_APIC_BASE_WRITE
        | F::MSR_EFER_WRITE
        | F::GDTR_WRITE
        | F::IDTR_WRITE
        | F::LDTR_WRITE
        | F::TR_WRITE
        | F::MSR_SYSENTER_CS_WRITE
        | F::MSR_SYSENTER_EIP_WRITE
        | F::MSR_SYSENTER_ESP_WRITE
        | F::MSR_SFMASK_WRITE;
    assert_eq!(lock.bits(), 0x7F_D543);
    assert_eq!(lock.bits(), heki_abi::raw::HV_CR_INTERCEPT_LOCK_REGS_MASK);
}

#[test]
fn set_operations() {
    type P = HvPageProtFlags;
    let r = P::HV_PAGE_READABLE;
    let w = P::HV_PAGE_WRITABLE;
    let rw = r | w;
    assert_eq!(rw.bits(), 3);
    assert_eq!((rw & w), w);
    assert_eq!((rw - w), r);
    assert_eq!((rw ^ P::HV_PAGE_FULL_ACCESS).bits(), 0xC);
    assert_eq!(r.union(w), rw);
    assert_eq!(rw.intersection(r), r);
    assert_eq!(rw.difference(r), w);
    assert_eq!(rw.symmetric_difference(r), w);
    assert!(rw.contains(r) && !r.contains(rw));
    assert!(rw.intersects(w) && !r.intersects(w));
    assert!(P::empty().is_empty() && !r.is_empty());
    assert!(rw.contains(P::empty()), "every set contains the empty set");

    let mut s = P::empty();
    s.insert(r);
    s |= w;
    assert_eq!(s, rw);
    s.remove(r);
    assert_eq!(s, w);
    s.toggle(rw);
    assert_eq!(s, r);
    s.set(w, true);
    assert_eq!(s, rw);
    s.set(r, false);
    assert_eq!(s, w);
    s &= r;
    assert!(s.is_empty());
    s ^= rw;
    s -= r;
    assert_eq!(s, w);

    assert_eq!([r, w].into_iter().collect::<P>(), rw);
    let mut e = P::empty();
    e.extend([w, w]);
    assert_eq!(e, w);
    assert_eq!(P::from_name("HV_PAGE_WRITABLE"), Some(w));
    assert_eq!(P::from_name("WRITABLE"), None);
    assert_eq!(
        HvCrInterceptControlFlags::from_name("TR_WRITE").map(|f| f.bits()),
        Some(1 << 18)
    );
    assert_eq!(u32::from(rw), 3);
    assert_eq!(
        format!("{:x} {:X} {:b}", P::HV_PAGE_FULL_ACCESS, P::HV_PAGE_FULL_ACCESS, rw),
        "f F 11"
    );
}

#[test]
fn debug_names_the_flags_then_the_rest() {
    type P = HvPageProtFlags;
    assert_eq!(
        format!("{:?}", P::HV_PAGE_READABLE | P::HV_PAGE_WRITABLE),
        "HvPageProtFlags(HV_PAGE_READABLE | HV_PAGE_WRITABLE)"
    );
    assert_eq!(format!("{:?}", P::empty()), "HvPageProtFlags(0x0)");
    assert_eq!(
        format!("{:?}", P::from_bits_retain(0x31)),
        "HvPageProtFlags(HV_PAGE_READABLE | 0x30)"
    );
    assert_eq!(
        format!("{:?}", P::HV_PAGE_EXECUTABLE),
        "HvPageProtFlags(HV_PAGE_KERNEL_EXECUTABLE | HV_PAGE_USER_EXECUTABLE)"
    );
}
