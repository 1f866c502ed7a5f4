// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! `uapi/heki` under its C names: the wire structs and typedefs (bindgen)
//! and every object-like `#define` with the type of its C expression.
//!
//! The seed-shaped modules ([`crate::heki`], [`crate::mshv`], ...) name
//! the same items the way LiteBox does; this module is for code that
//! follows the C headers or needs a constant the seed never had.

pub use crate::generated::bindings::*;
pub use crate::generated::consts::*;
