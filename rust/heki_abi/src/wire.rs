// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Reading and writing the wire structs as little-endian bytes.
//!
//! Every struct of `uapi/heki` implements [`Wire`] (generated from the
//! offsets gcc gives, `src/generated/wire.rs`). Reading copies each field
//! out of the byte slice: no `unsafe`, no alignment requirement on the
//! bytes (VTL0 chooses where they sit), and no panic for any input, so it
//! is safe on bytes VTL0 controls. Copy VTL0 memory once into VTL1, then
//! read the copy.

use crate::error::VsmError;

pub(crate) mod sealed {
    /// The generated field-by-field codec. `decode` reads missing bytes as
    /// zero and `encode` drops what does not fit; only [`super::Wire`]'s
    /// length-checked methods call them.
    pub trait Codec: Sized {
        fn decode(b: &[u8]) -> Self;
        fn encode(&self, b: &mut [u8]);
    }
}

pub(crate) use sealed::Codec;

/// A `uapi/heki` struct with a fixed little-endian wire form.
pub trait Wire: sealed::Codec {
    /// Size of the struct on the wire (`sizeof` in C).
    const SIZE: usize;

    /// Read the struct from the first [`Self::SIZE`] bytes of `bytes`;
    /// also returns the bytes after it. Shorter input:
    /// [`VsmError::BufferTooSmall`].
    fn read_from_prefix(bytes: &[u8]) -> Result<(Self, &[u8]), VsmError> {
        if bytes.len() < Self::SIZE {
            return Err(VsmError::BufferTooSmall);
        }
        let (head, rest) = bytes.split_at(Self::SIZE);
        Ok((Self::decode(head), rest))
    }

    /// Read the struct from exactly [`Self::SIZE`] bytes, else `None`.
    fn read_from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() == Self::SIZE {
            Some(Self::decode(bytes))
        } else {
            None
        }
    }

    /// Write the struct into exactly [`Self::SIZE`] bytes, else `None`
    /// (and `dst` is left alone).
    fn write_to(&self, dst: &mut [u8]) -> Option<()> {
        if dst.len() == Self::SIZE {
            self.encode(dst);
            Some(())
        } else {
            None
        }
    }

    /// Write the struct into the first [`Self::SIZE`] bytes of `dst`.
    /// Shorter `dst`: [`VsmError::BufferTooSmall`], `dst` left alone.
    fn write_to_prefix(&self, dst: &mut [u8]) -> Result<(), VsmError> {
        match dst.get_mut(..Self::SIZE) {
            Some(head) => {
                self.encode(head);
                Ok(())
            }
            None => Err(VsmError::BufferTooSmall),
        }
    }
}

/// `N` bytes at `off`; bytes past the end of `b` read as zero.
pub(crate) fn get<const N: usize>(b: &[u8], off: usize) -> [u8; N] {
    let mut a = [0u8; N];
    if let Some(s) = b.get(off..) {
        for (d, x) in a.iter_mut().zip(s) {
            *d = *x;
        }
    }
    a
}

/// Store `v` at `off`; bytes past the end of `b` are dropped.
pub(crate) fn put<const N: usize>(b: &mut [u8], off: usize, v: [u8; N]) {
    if let Some(s) = b.get_mut(off..) {
        for (d, x) in s.iter_mut().zip(v.iter()) {
            *d = *x;
        }
    }
}

/// `b` from `off` on (empty past the end).
pub(crate) fn tail(b: &[u8], off: usize) -> &[u8] {
    b.get(off..).unwrap_or_default()
}

/// `b` from `off` on (empty past the end).
pub(crate) fn tail_mut(b: &mut [u8], off: usize) -> &mut [u8] {
    b.get_mut(off..).unwrap_or_default()
}
