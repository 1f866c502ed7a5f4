// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Width conversions of C constants, for constant expressions only.
//!
//! Each one refuses, at compile time, a value its target type cannot hold,
//! so a seed-typed constant (`PAGE_SIZE: usize`, `X86Cr0Flags: u32`, ...)
//! is the C value or the crate does not build.

pub(crate) const fn u64_to_u32(v: u64) -> u32 {
    assert!(v <= u32::MAX as u64, "C constant does not fit u32");
    v as u32
}

pub(crate) const fn u64_to_usize(v: u64) -> usize {
    assert!(v <= usize::MAX as u64, "C constant does not fit usize");
    v as usize
}

pub(crate) const fn u32_to_u8(v: u32) -> u8 {
    assert!(v <= u8::MAX as u32, "C constant does not fit u8");
    v as u8
}

pub(crate) const fn i32_to_u8(v: i32) -> u8 {
    assert!(v >= 0 && v <= u8::MAX as i32, "C constant does not fit u8");
    v as u8
}

pub(crate) const fn i32_to_u16(v: i32) -> u16 {
    assert!(v >= 0 && v <= u16::MAX as i32, "C constant does not fit u16");
    v as u16
}

pub(crate) const fn i32_to_u32(v: i32) -> u32 {
    assert!(v >= 0, "C constant does not fit u32");
    v as u32
}

pub(crate) const fn i32_to_u64(v: i32) -> u64 {
    assert!(v >= 0, "C constant does not fit u64");
    v as u64
}

pub(crate) const fn i32_to_usize(v: i32) -> usize {
    assert!(v >= 0, "C constant does not fit usize");
    v as usize
}
