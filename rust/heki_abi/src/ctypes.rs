// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! The C integer types bindgen names (`--ctypes-prefix crate::ctypes`).
//!
//! `uapi/heki` uses only the fixed-width `__u8` .. `__s64`, which
//! `types.h` spells with these C types on every target, so they have
//! fixed Rust widths here. A crate of our own keeps the Rust version
//! floor at 1.63 (`core::ffi::c_*` is 1.64).

#![allow(non_camel_case_types)]

pub type c_uchar = u8;
pub type c_ushort = u16;
pub type c_uint = u32;
pub type c_ulonglong = u64;
pub type c_schar = i8;
pub type c_short = i16;
pub type c_int = i32;
pub type c_longlong = i64;
