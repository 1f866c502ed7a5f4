// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! `heki_flags!`: a set of named bits with the set operations the seed gets
//! from the `bitflags` crate (2.x names and meanings), written out so the
//! crate needs no dependency.
//!
//! `known` is the set of bits the type admits: `!0` reproduces the seed's
//! `const _ = !0` (every bit is kept, `from_bits` never fails), a narrower
//! mask makes `from_bits` refuse the other bits (what C does for
//! `MEM_ATTR_VALID_MASK`). `from_bits_retain` always keeps every bit.

macro_rules! heki_flags {
    (
        $(#[$outer:meta])*
        pub struct $name:ident: $t:ty, known($known:expr) {
            $(
                $(#[$inner:meta])*
                $flag:ident = $value:expr,
            )*
        }
    ) => {
        $(#[$outer])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[repr(transparent)]
        pub struct $name($t);

        #[allow(clippy::bad_bit_mask)]
        impl $name {
            $(
                $(#[$inner])*
                pub const $flag: Self = Self($value);
            )*

            /// Every named flag and its name, in the order of the C header.
            pub const NAMED: &'static [(&'static str, Self)] =
                &[$((stringify!($flag), Self::$flag)),*];

            /// No bit set.
            pub const fn empty() -> Self {
                Self(0)
            }

            /// Every bit the type admits.
            pub const fn all() -> Self {
                Self($known)
            }

            /// The raw bits.
            pub const fn bits(&self) -> $t {
                self.0
            }

            /// `bits` if every set bit is admitted, else `None`.
            pub const fn from_bits(bits: $t) -> Option<Self> {
                if bits & !($known) == 0 {
                    Some(Self(bits))
                } else {
                    None
                }
            }

            /// `bits` without the bits the type does not admit.
            pub const fn from_bits_truncate(bits: $t) -> Self {
                Self(bits & ($known))
            }

            /// `bits`, every bit kept.
            pub const fn from_bits_retain(bits: $t) -> Self {
                Self(bits)
            }

            /// The named flag `name` (its Rust name), if there is one.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::NAMED
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|&(_, f)| f)
            }

            /// Whether no bit is set.
            pub const fn is_empty(&self) -> bool {
                self.0 == 0
            }

            /// Whether every admitted bit is set.
            pub const fn is_all(&self) -> bool {
                self.0 & ($known) == ($known)
            }

            /// Whether every bit of `other` is set in `self`.
            pub const fn contains(&self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }

            /// Whether `self` and `other` share a bit.
            pub const fn intersects(&self, other: Self) -> bool {
                self.0 & other.0 != 0
            }

            /// Set the bits of `other`.
            pub fn insert(&mut self, other: Self) {
                self.0 |= other.0;
            }

            /// Clear the bits of `other`.
            pub fn remove(&mut self, other: Self) {
                self.0 &= !other.0;
            }

            /// Flip the bits of `other`.
            pub fn toggle(&mut self, other: Self) {
                self.0 ^= other.0;
            }

            /// Set (`value`) or clear the bits of `other`.
            pub fn set(&mut self, other: Self, value: bool) {
                if value {
                    self.insert(other);
                } else {
                    self.remove(other);
                }
            }

            /// The bits set in both.
            #[must_use]
            pub const fn intersection(self, other: Self) -> Self {
                Self(self.0 & other.0)
            }

            /// The bits set in either.
            #[must_use]
            pub const fn union(self, other: Self) -> Self {
                Self(self.0 | other.0)
            }

            /// The bits of `self` not in `other`.
            #[must_use]
            pub const fn difference(self, other: Self) -> Self {
                Self(self.0 & !other.0)
            }

            /// The bits set in exactly one of them.
            #[must_use]
            pub const fn symmetric_difference(self, other: Self) -> Self {
                Self(self.0 ^ other.0)
            }

            /// The admitted bits not in `self`.
            #[must_use]
            pub const fn complement(self) -> Self {
                Self(!self.0 & ($known))
            }
        }

        impl core::ops::BitOr for $name {
            type Output = Self;
            fn bitor(self, other: Self) -> Self {
                self.union(other)
            }
        }

        impl core::ops::BitOrAssign for $name {
            fn bitor_assign(&mut self, other: Self) {
                self.insert(other);
            }
        }

        impl core::ops::BitAnd for $name {
            type Output = Self;
            fn bitand(self, other: Self) -> Self {
                self.intersection(other)
            }
        }

        impl core::ops::BitAndAssign for $name {
            fn bitand_assign(&mut self, other: Self) {
                *self = self.intersection(other);
            }
        }

        impl core::ops::BitXor for $name {
            type Output = Self;
            fn bitxor(self, other: Self) -> Self {
                self.symmetric_difference(other)
            }
        }

        impl core::ops::BitXorAssign for $name {
            fn bitxor_assign(&mut self, other: Self) {
                self.toggle(other);
            }
        }

        impl core::ops::Sub for $name {
            type Output = Self;
            fn sub(self, other: Self) -> Self {
                self.difference(other)
            }
        }

        impl core::ops::SubAssign for $name {
            fn sub_assign(&mut self, other: Self) {
                self.remove(other);
            }
        }

        impl core::ops::Not for $name {
            type Output = Self;
            fn not(self) -> Self {
                self.complement()
            }
        }

        impl core::iter::Extend<$name> for $name {
            fn extend<I: IntoIterator<Item = Self>>(&mut self, it: I) {
                for f in it {
                    self.insert(f);
                }
            }
        }

        impl core::iter::FromIterator<$name> for $name {
            fn from_iter<I: IntoIterator<Item = Self>>(it: I) -> Self {
                let mut s = Self::empty();
                s.extend(it);
                s
            }
        }

        /// `Name(FLAG_A | FLAG_B | 0x..)`: each named flag that adds bits
        /// not yet shown (in C order), then the rest in hex, as
        /// `bitflags` prints it.
        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(stringify!($name))?;
                f.write_str("(")?;
                let mut rest = self.0;
                let mut first = true;
                for &(n, flag) in Self::NAMED {
                    if flag.0 != 0 && self.contains(flag) && rest & flag.0 != 0 {
                        if !first {
                            f.write_str(" | ")?;
                        }
                        f.write_str(n)?;
                        first = false;
                        rest &= !flag.0;
                    }
                }
                if rest != 0 || first {
                    if !first {
                        f.write_str(" | ")?;
                    }
                    write!(f, "{:#x}", rest)?;
                }
                f.write_str(")")
            }
        }

        impl core::fmt::LowerHex for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                core::fmt::LowerHex::fmt(&self.0, f)
            }
        }

        impl core::fmt::UpperHex for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                core::fmt::UpperHex::fmt(&self.0, f)
            }
        }

        impl core::fmt::Binary for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                core::fmt::Binary::fmt(&self.0, f)
            }
        }

        impl From<$name> for $t {
            fn from(f: $name) -> $t {
                f.0
            }
        }
    };
}

pub(crate) use heki_flags;
