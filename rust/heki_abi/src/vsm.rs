// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! VSM data types: the VTL call register contract, the CPU mask of
//! BOOT_APS, `AlignedPage` and the module size limit (`uapi/heki/vsm.h`,
//! `heki.h`). With the `alloc` feature, also the seed's run-time metadata
//! of module and kexec memory.

use crate::conv::{i32_to_usize, u64_to_usize};
use crate::mem_layout::PAGE_SIZE;
use crate::mshv::VsmFunction;
use crate::raw;

pub use crate::raw::{
    HEKI_KEXEC_VALIDATE_CRASH, HEKI_KEXEC_VALIDATE_NORMAL, HEKI_MODULE_TOKEN_MAX, HEKI_VALIDATE_MODULE_FLAGS_NONE,
    VTL_ENTRY_REASON_INTERRUPT, VTL_ENTRY_REASON_LOWER_VTL_CALL, VTL_ENTRY_REASON_RESERVED,
};

/// One 4 KiB page, 4096-byte aligned (VTL1-side buffers).
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(C, align(4096))]
pub struct AlignedPage(pub [u8; PAGE_SIZE]);

impl Default for AlignedPage {
    fn default() -> Self {
        AlignedPage([0; PAGE_SIZE])
    }
}

impl core::fmt::Debug for AlignedPage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("AlignedPage(..)")
    }
}

/// Largest module image VALIDATE_MODULE accepts: 64 MiB.
pub const MODULE_VALIDATION_MAX_SIZE: usize = u64_to_usize(raw::MODULE_VALIDATION_MAX_SIZE);

/// Byte offset of the u32 entry reason in the VP assist page.
pub const HV_VP_ASSIST_PAGE_VTL_ENTRY_REASON_OFFSET: usize =
    i32_to_usize(raw::HV_VP_ASSIST_PAGE_VTL_ENTRY_REASON_OFFSET);

// ------------------------------------------------------------------------
// The VTL call registers
// ------------------------------------------------------------------------

/// The four VTL call registers in LiteBox's `params[]` order (`struct
/// heki_vtlcall_regs`): RDI (function ID in bits 0..31), RSI, RDX, R8
/// (third argument in, result out). Not memory VTL0 sends.
pub type HekiVtlCallRegs = raw::heki_vtlcall_regs;

impl HekiVtlCallRegs {
    /// From LiteBox's `params` array `[RDI, RSI, RDX, R8]`.
    pub const fn from_params(p: [u64; 4]) -> Self {
        Self {
            rdi: p[0],
            rsi: p[1],
            rdx: p[2],
            r8: p[3],
        }
    }

    /// As LiteBox's `params` array `[RDI, RSI, RDX, R8]`.
    pub const fn params(&self) -> [u64; 4] {
        [self.rdi, self.rsi, self.rdx, self.r8]
    }

    /// The function RDI selects ([`VsmFunction::from_rdi`]).
    pub const fn function(&self) -> Result<VsmFunction, u32> {
        VsmFunction::from_rdi(self.rdi)
    }
}

/// Whether an R8 result, read as signed, is a failure (C
/// `heki_vtlcall_result_is_error()`).
pub const fn vtlcall_result_is_error(r8: u64) -> bool {
    (r8 as i64) < 0
}

/// The positive errno of a failed R8 result, 0 for success; a negative
/// value below -4095 is no errno and reads as `EIO` (C
/// `heki_vtlcall_result_errno()`).
pub const fn vtlcall_result_errno(r8: u64) -> i32 {
    let v = r8 as i64;
    if v >= 0 {
        0
    } else if v < -4095 {
        raw::HEKI_EIO
    } else {
        -(v as i32)
    }
}

/// The R8 value for a failure with the positive errno `err`: `-err` as a
/// 64-bit two's complement pattern (C `heki_vtlcall_result_from_errno()`).
pub const fn vtlcall_result_from_errno(err: i32) -> u64 {
    (-(err as i64)) as u64
}

// ------------------------------------------------------------------------
// BOOT_APS
// ------------------------------------------------------------------------

/// CPUs a [`HekiCpuMask`] can name (LiteBox `MAX_CORES`).
pub const HEKI_CPU_MASK_MAX_CPUS: u32 = crate::conv::i32_to_u32(raw::HEKI_CPU_MASK_MAX_CPUS);

/// The boot-signal page: one byte per CPU, a whole 4 KiB page.
pub const HEKI_BOOT_SIGNAL_PAGE_SIZE: usize = i32_to_usize(raw::HEKI_BOOT_SIGNAL_PAGE_SIZE);

/// Online CPUs, read from offset 0 of the page BOOT_APS names (`struct
/// heki_cpu_mask`, LiteBox `CpuMask`): CPU n is bit n % 64 of word n / 64.
pub type HekiCpuMask = raw::heki_cpu_mask;

impl HekiCpuMask {
    /// Whether `cpu` is set; CPUs beyond the mask never are (C
    /// `heki_cpu_mask_test()`).
    pub fn test(&self, cpu: u32) -> bool {
        if cpu >= HEKI_CPU_MASK_MAX_CPUS {
            return false;
        }
        match self.bits.get((cpu / 64) as usize) {
            Some(w) => (w >> (cpu % 64)) & 1 != 0,
            None => false,
        }
    }

    /// Set `cpu`; a CPU beyond the mask: `Err(HEKI_ERANGE)` (positive
    /// errno; C `heki_cpu_mask_set()` returns `-HEKI_ERANGE`).
    pub fn set(&mut self, cpu: u32) -> Result<(), i32> {
        if cpu >= HEKI_CPU_MASK_MAX_CPUS {
            return Err(raw::HEKI_ERANGE);
        }
        match self.bits.get_mut((cpu / 64) as usize) {
            Some(w) => {
                *w |= 1u64 << (cpu % 64);
                Ok(())
            }
            None => Err(raw::HEKI_ERANGE),
        }
    }

    /// The set CPUs, lowest first.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..HEKI_CPU_MASK_MAX_CPUS).filter(move |&c| self.test(c))
    }
}

// ------------------------------------------------------------------------
// Run-time metadata (alloc)
// ------------------------------------------------------------------------

#[cfg(feature = "alloc")]
pub use metadata::{KexecMemoryMetadata, KexecMemoryRange, ModuleMemoryMetadata, ModuleMemoryRange};

/// The seed's module and kexec memory metadata: VTL1 run-time state, not
/// wire data. LiteBox holds `x86_64` address types whose constructors
/// panic on a non-canonical VA or a PA at or above 2^52 (both VTL0
/// values); here addresses are `u64`, frame ranges `Range<u64>` of
/// page-aligned physical addresses, and constructors return the C VTL1's
/// error instead.
#[cfg(feature = "alloc")]
mod metadata {
    use crate::error::VsmError;
    use crate::heki::{HekiRange, ModMemType};
    use crate::raw;
    use alloc::vec::Vec;
    use core::ops::Range;

    /// `[floor(pa), floor(epa))` in page-aligned physical addresses, after
    /// [`HekiRange::check`] of (`va`, `pa`, `epa`).
    fn frames(va: u64, pa: u64, epa: u64) -> Result<Range<u64>, VsmError> {
        HekiRange {
            va,
            pa,
            epa,
            attributes: 0,
        }
        .check()?;
        let m = !raw::HEKI_PAGE_OFFSET_MASK;
        Ok((pa & m)..(epa & m))
    }

    /// One range of a validated module.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct ModuleMemoryRange {
        /// VTL0 virtual address of the range.
        pub virt_addr: u64,
        /// The frames: page-aligned physical start and (exclusive) end.
        pub phys_frame_range: Range<u64>,
        /// What the range holds.
        pub mod_mem_type: ModMemType,
    }

    impl ModuleMemoryRange {
        /// The range `va`, `[pa, epa)` of type `t`; the errors of
        /// [`HekiRange::check`] (LiteBox's `new` panics instead).
        pub fn try_new(va: u64, pa: u64, epa: u64, t: ModMemType) -> Result<Self, VsmError> {
            Ok(Self {
                virt_addr: va,
                phys_frame_range: frames(va, pa, epa)?,
                mod_mem_type: t,
            })
        }
    }

    impl Default for ModuleMemoryRange {
        fn default() -> Self {
            Self {
                virt_addr: 0,
                phys_frame_range: 0..0,
                mod_mem_type: ModMemType::Unknown,
            }
        }
    }

    /// The ranges and patch targets of one validated module.
    #[derive(Clone, Debug, Default)]
    pub struct ModuleMemoryMetadata {
        ranges: Vec<ModuleMemoryRange>,
        patch_targets: Vec<u64>,
    }

    impl ModuleMemoryMetadata {
        /// No ranges, no patch targets.
        pub fn new() -> Self {
            Self::default()
        }

        /// Add a VALIDATE_MODULE range ([`ModuleMemoryRange::try_new`]).
        pub fn insert_heki_range(&mut self, r: &HekiRange) -> Result<(), VsmError> {
            let m = ModuleMemoryRange::try_new(r.va, r.pa, r.epa, r.mod_mem_type())?;
            self.ranges.push(m);
            Ok(())
        }

        /// Add a range.
        pub fn insert_memory_range(&mut self, m: ModuleMemoryRange) {
            self.ranges.push(m);
        }

        /// Add the physical address of a patch site of this module.
        pub fn insert_patch_target(&mut self, pa: u64) {
            self.patch_targets.push(pa);
        }

        /// The patch sites to forget when the module goes.
        pub fn get_patch_targets(&self) -> &Vec<u64> {
            &self.patch_targets
        }

        /// The ranges.
        pub fn iter(&self) -> core::slice::Iter<'_, ModuleMemoryRange> {
            self.ranges.iter()
        }
    }

    impl<'a> IntoIterator for &'a ModuleMemoryMetadata {
        type Item = &'a ModuleMemoryRange;
        type IntoIter = core::slice::Iter<'a, ModuleMemoryRange>;

        fn into_iter(self) -> Self::IntoIter {
            self.ranges.iter()
        }
    }

    /// One range of the last kexec image.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct KexecMemoryRange {
        /// VTL0 virtual address of the range.
        pub virt_addr: u64,
        /// The frames: page-aligned physical start and (exclusive) end.
        pub phys_frame_range: Range<u64>,
    }

    impl KexecMemoryRange {
        /// The range `va`, `[pa, epa)`; the errors of [`HekiRange::check`].
        pub fn try_new(va: u64, pa: u64, epa: u64) -> Result<Self, VsmError> {
            Ok(Self {
                virt_addr: va,
                phys_frame_range: frames(va, pa, epa)?,
            })
        }
    }

    /// The ranges of the last kexec image.
    #[derive(Clone, Debug, Default)]
    pub struct KexecMemoryMetadata {
        ranges: Vec<KexecMemoryRange>,
    }

    impl KexecMemoryMetadata {
        /// No ranges.
        pub fn new() -> Self {
            Self::default()
        }

        /// Add a KEXEC_VALIDATE range ([`KexecMemoryRange::try_new`]).
        pub fn insert_heki_range(&mut self, r: &HekiRange) -> Result<(), VsmError> {
            let k = KexecMemoryRange::try_new(r.va, r.pa, r.epa)?;
            self.ranges.push(k);
            Ok(())
        }

        /// Add a range.
        pub fn insert_memory_range(&mut self, k: KexecMemoryRange) {
            self.ranges.push(k);
        }

        /// Forget every range.
        pub fn clear(&mut self) {
            self.ranges.clear();
        }

        /// The ranges.
        pub fn iter(&self) -> core::slice::Iter<'_, KexecMemoryRange> {
            self.ranges.iter()
        }
    }

    impl<'a> IntoIterator for &'a KexecMemoryMetadata {
        type Item = &'a KexecMemoryRange;
        type IntoIter = core::slice::Iter<'a, KexecMemoryRange>;

        fn into_iter(self) -> Self::IntoIter {
            self.ranges.iter()
        }
    }
}
