// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Page geometry of the wire format (`uapi/heki/heki.h`).

use crate::conv::i32_to_usize;
use crate::raw;

/// 4 KiB, `HEKI_PAGE_SIZE`.
pub const PAGE_SIZE: usize = i32_to_usize(raw::HEKI_PAGE_SIZE);
/// 12, `HEKI_PAGE_SHIFT`.
pub const PAGE_SHIFT: usize = i32_to_usize(raw::HEKI_PAGE_SHIFT);
