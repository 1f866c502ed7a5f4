// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Size, alignment and every member's offset and size of the bindgen
//! structs, against the committed ABI dump (tests/abi/abi.dump, which
//! tests/abi/dump.sh holds equal to what gcc computes). bindgen reads the
//! headers with libclang, gcc compiles them: two independent readings.

use heki_abi::raw;
use std::mem::{align_of, size_of, size_of_val};

/// Byte offset of `field` inside `base` (both references into one value;
/// no `unsafe`, no `offset_of!`, which needs Rust 1.77).
fn offset<T, F>(base: &T, field: &F) -> usize {
    field as *const F as usize - base as *const T as usize
}

include!("generated/layout.rs");

#[test]
fn every_struct_of_the_dump_is_checked() {
    let dump = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/abi/abi.dump"))
        .expect("tests/abi/abi.dump");
    let gen = include_str!("generated/layout.rs");
    let structs: Vec<&str> = dump.lines().filter_map(|l| l.strip_prefix("struct ")).collect();
    assert!(!structs.is_empty());
    for s in structs {
        let name = s.split(' ').next().unwrap();
        assert!(
            gen.contains(&format!("fn layout_{}()", name)),
            "no layout test for {}: make rust-gen",
            name
        );
    }
}
