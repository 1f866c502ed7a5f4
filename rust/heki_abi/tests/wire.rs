// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Reading wire structs from bytes VTL0 controls: every short or odd
//! length is refused without a panic, any byte content reads, at any
//! alignment, and writing gives back exactly the bytes read (so every byte
//! belongs to exactly one field, at the position the layout says).

use heki_abi::error::VsmError;
use heki_abi::heki::*;
use heki_abi::raw;
use heki_abi::Wire;

/// Deterministic bytes (xorshift64*), so a failure reproduces.
fn noise(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

fn refuses_every_short_length<T: Wire>() {
    let big = noise(7, T::SIZE + 8);
    for n in 0..T::SIZE {
        assert_eq!(
            T::read_from_prefix(&big[..n]).err(),
            Some(VsmError::BufferTooSmall),
            "{} bytes",
            n
        );
        assert!(T::read_from_bytes(&big[..n]).is_none(), "{} bytes", n);
    }
    assert!(T::read_from_bytes(&big[..T::SIZE + 1]).is_none(), "one byte too many");
    let (_, rest) = T::read_from_prefix(&big).expect("long enough");
    assert_eq!(rest.len(), 8, "the bytes after the struct are returned");
}

fn round_trips_any_bytes_at_any_alignment<T: Wire + PartialEq + std::fmt::Debug>() {
    for seed in 1..=16u64 {
        let buf = noise(seed, T::SIZE + 8);
        let first = T::read_from_bytes(&buf[..T::SIZE]).expect("exact size");
        for off in 1..8 {
            let shifted = T::read_from_prefix(&buf[off..]).expect("long enough").0;
            let mut again = vec![0u8; T::SIZE];
            shifted.write_to(&mut again).expect("exact size");
            assert_eq!(&again[..], &buf[off..off + T::SIZE], "seed {} offset {}", seed, off);
        }
        let mut out = vec![0u8; T::SIZE];
        first.write_to(&mut out).expect("exact size");
        assert_eq!(&out[..], &buf[..T::SIZE], "seed {}", seed);
        assert_eq!(T::read_from_bytes(&out), Some(first));
    }
}

fn writing_to_a_short_buffer_leaves_it_alone<T: Wire + Default>() {
    let v = T::default();
    for n in [0, T::SIZE - 1] {
        let mut dst = vec![0xA5u8; n];
        assert_eq!(v.write_to_prefix(&mut dst), Err(VsmError::BufferTooSmall));
        assert!(v.write_to(&mut dst).is_none());
        assert!(dst.iter().all(|&b| b == 0xA5), "{} bytes touched", n);
    }
    let mut dst = vec![0xA5u8; T::SIZE + 3];
    assert_eq!(v.write_to_prefix(&mut dst), Ok(()));
    assert_eq!(&dst[T::SIZE..], &[0xA5; 3], "only SIZE bytes written");
}

macro_rules! every_struct {
    ($($t:ident),*) => {
        #[test]
        fn short_input_is_refused_for_every_struct() {
            $(refuses_every_short_length::<raw::$t>();)*
        }

        #[test]
        fn any_bytes_round_trip_for_every_struct() {
            $(round_trips_any_bytes_at_any_alignment::<raw::$t>();)*
        }

        #[test]
        fn short_output_is_refused_for_every_struct() {
            $(writing_to_a_short_buffer_leaves_it_alone::<raw::$t>();)*
        }
    };
}

every_struct!(
    heki_vtlcall_regs,
    heki_cpu_mask,
    heki_range,
    heki_page,
    heki_patch,
    heki_patch_info,
    heki_kernel_info,
    heki_kernel_info_ext,
    heki_kernel_symbol,
    heki_kexec_segment,
    heki_kimage,
    heki_module_signature
);

#[test]
fn fields_are_little_endian_at_their_offsets() {
    let b: Vec<u8> = (0u8..32).collect();
    let r = HekiRange::read_from_bytes(&b).unwrap();
    assert_eq!(r.va, 0x0706_0504_0302_0100);
    assert_eq!(r.pa, 0x0F0E_0D0C_0B0A_0908);
    assert_eq!(r.epa, 0x1716_1514_1312_1110);
    assert_eq!(r.attributes, 0x1F1E_1D1C_1B1A_1918);

    let b: Vec<u8> = (0u8..24).collect();
    let p = HekiPatch::read_from_bytes(&b).unwrap();
    assert_eq!(p.pa, [0x0706_0504_0302_0100, 0x0F0E_0D0C_0B0A_0908]);
    assert_eq!(p.size, 16);
    assert_eq!(p.code, [17, 18, 19, 20, 21]);
    assert_eq!(p.reserved_22, [22, 23]);

    let s = HekiKernelSymbol::read_from_bytes(&[0xFC, 0xFF, 0xFF, 0xFF, 8, 0, 0, 0, 0, 0, 0, 0x80]).unwrap();
    assert_eq!(
        (s.value_offset, s.name_offset, s.namespace_offset),
        (-4, 8, i32::MIN),
        "signed"
    );

    let mut page = vec![0u8; 4096];
    page[16] = 2;
    page[24 + 32 + 24] = 0x44; // ranges[1].attributes
    page[4088] = 0x99;
    let pg = HekiPage::read_from_bytes(&page).unwrap();
    assert_eq!(pg.nranges, 2);
    assert_eq!(pg.ranges[1].attributes, 0x44);
    assert_eq!(pg.reserved_4088, 0x99);
    assert_eq!(pg.ranges().len(), 2);
}

#[test]
fn to_bytes_is_write_to() {
    let k = HekiKimage {
        nr_segments: 3,
        start: 0x1234,
        ..Default::default()
    };
    let mut b = vec![0u8; 584];
    k.write_to(&mut b).unwrap();
    assert_eq!(&k.to_bytes()[..], &b[..]);
    assert_eq!(&b[24..32], &0x1234u64.to_le_bytes());
    assert_eq!(&b[64..72], &3u64.to_le_bytes());
}

/// Whatever VTL0 sends, reading and checking it returns; nothing panics
/// (a panic fails this test, in debug builds with overflow checks too).
#[test]
fn hostile_bytes_never_panic_the_readers_and_checks() {
    for seed in 1..=1500u64 {
        let len = (seed as usize * 7919) % 4200;
        let mut b = noise(seed, len);
        if seed % 3 == 0 && b.len() >= 40 {
            // Often a real extension header, so find() goes past the magic.
            b[32..36].copy_from_slice(&raw::HEKI_KERNEL_INFO_EXT_MAGIC.to_le_bytes());
            let size = [0u32, 71, 72, 100, 208, 209, u32::MAX][seed as usize % 7];
            b[36..40].copy_from_slice(&size.to_le_bytes());
        }
        let _ = HekiKernelInfoExt::find(&b);
        let _ = HekiKernelInfo::from_bytes(&b);
        let _ = HekiKernelSymbol::from_bytes(&b);
        let _ = HekiPatch::try_from_bytes(b.get(..24).unwrap_or(&b));
        let _ = HekiPatchInfo::try_from_bytes(b.get(..48).unwrap_or(&b));
        if let Ok((p, _)) = HekiPage::read_from_prefix(&b) {
            let _ = (p.check(), p.next_pa_valid(), p.ranges().len(), format!("{:?}", p));
            for r in p.ranges.iter() {
                let _ = (
                    r.check(),
                    r.mem_attr(),
                    r.mod_mem_type(),
                    r.is_aligned(r.attributes),
                    format!("{:?}", r),
                );
            }
        }
        if let Ok((k, _)) = HekiKimage::read_from_prefix(&b) {
            let _ = k.segments();
        }
        if let Ok((p, _)) = HekiPatch::read_from_prefix(&b) {
            let _ = (p.validate(), p.first_page_len());
        }
        if let Ok((s, _)) = HekiModuleSignature::read_from_prefix(&b) {
            let _ = (s.sig_len(), s.is_pkcs7());
        }
    }
}
