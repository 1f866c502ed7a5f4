// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! `heki_abi`: the HEKI/VSM wire ABI of `uapi/heki` for a Rust VTL1.
//!
//! Generated from the C headers (bindgen for the structs, gcc for every
//! value, `gen/rustgen.py` for the Rust spelling), so a Rust VTL1 and the
//! C side cannot drift: `tests/drift.rs` regenerates and compares.
//!
//! The modules have the names and types of LiteBox's planned
//! `litebox_common_lvbs` crate; `Documentation/rust.rst` maps each of its
//! items here and lists where this crate follows the stricter C side.
//!
//! - [`mshv`]: Hyper-V constants, function IDs, flags, register fields
//! - [`hvcall`]: hypercall errors and the control word
//! - [`error`]: [`error::VsmError`], [`error::VerificationError`]
//! - [`heki`]: ranges, the page chain, patches, kernel info, kexec, modsig
//! - [`mem_layout`]: page geometry
//! - [`vsm`]: VTL call registers and results, CPU mask, `AlignedPage`
//! - [`raw`]: everything under its C name; [`wire`]: byte (de)serialisation
//!
//! No `unsafe`, no dependency, no allocation (unless the `alloc` feature
//! asks for the seed's run-time metadata types), no panic on any input.

#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod conv;
mod ctypes;
mod flags;
mod generated;

pub mod error;
pub mod heki;
pub mod hvcall;
pub mod mem_layout;
pub mod mshv;
pub mod raw;
pub mod vsm;
pub mod wire;

pub use wire::Wire;
