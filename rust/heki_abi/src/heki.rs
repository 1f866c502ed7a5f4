// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! HEKI data types: ranges, the page chain, the attribute namespaces, text
//! patches, kernel symbol information, kexec and the module signature
//! (`uapi/heki/heki.h`, `patch.h`, `kinfo.h`, `kexec.h`, `modsig.h`).
//!
//! The structs are the bindgen structs of [`crate::raw`] under the seed's
//! names, with the seed's methods. Every check returns the code the C VTL1
//! returns for the same input; none panics, whatever VTL0 sent. Read them
//! from bytes with [`crate::Wire`] (no alignment needed).

use crate::conv::{i32_to_u64, i32_to_usize, u64_to_usize};
use crate::error::VsmError;
use crate::mshv::HvPageProtFlags;
use crate::raw;
use crate::wire::Wire;

pub use crate::generated::flags::MemAttr;
pub use crate::generated::lists::{HekiKdataType, HekiKexecType, ModMemType};

/// Physical addresses are below 2^52 (`HEKI_PA_LIMIT`).
pub const HEKI_PA_LIMIT: u64 = raw::HEKI_PA_LIMIT;

/// Whether `pa` is a physical address VTL0 may name (below 2^52).
pub const fn pa_valid(pa: u64) -> bool {
    pa < HEKI_PA_LIMIT
}

/// Whether `va` is canonical with 4-level paging (bits 47..63 equal).
pub const fn va_canonical(va: u64) -> bool {
    let top = va >> 47;
    top == 0 || top == 0x1_ffff
}

/// Whether `addr` is 4 KiB aligned (C `heki_page_aligned()`).
pub const fn page_aligned(addr: u64) -> bool {
    addr & raw::HEKI_PAGE_OFFSET_MASK == 0
}

/// The Hyper-V protection VTL1 applies for `attr`, LiteBox's mapping
/// (C `heki_mem_attr_to_hv_page_prot()`): READ gives READABLE and
/// USER_EXECUTABLE, WRITE gives WRITABLE, EXEC gives KERNEL_EXECUTABLE and
/// USER_EXECUTABLE; IMMUTABLE and unknown bits add nothing.
pub const fn mem_attr_to_hv_page_prot_flags(attr: MemAttr) -> HvPageProtFlags {
    let mut p = HvPageProtFlags::empty();
    if attr.contains(MemAttr::MEM_ATTR_READ) {
        p = p
            .union(HvPageProtFlags::HV_PAGE_READABLE)
            .union(HvPageProtFlags::HV_PAGE_USER_EXECUTABLE);
    }
    if attr.contains(MemAttr::MEM_ATTR_WRITE) {
        p = p.union(HvPageProtFlags::HV_PAGE_WRITABLE);
    }
    if attr.contains(MemAttr::MEM_ATTR_EXEC) {
        p = p.union(HvPageProtFlags::HV_PAGE_EXECUTABLE);
    }
    p
}

/// The protection a module memory type gets (C
/// `heki_mod_mem_type_to_mem_attr()`): TEXT and INIT_TEXT R|X; DATA,
/// RO_AFTER_INIT and INIT_DATA R|W; RODATA and INIT_RODATA R; anything
/// else (ELF_BUFFER, PATCH, PERCPU, Unknown) nothing.
pub const fn mod_mem_type_to_mem_attr(t: ModMemType) -> MemAttr {
    match t {
        ModMemType::Text | ModMemType::InitText => MemAttr::MEM_ATTR_READ.union(MemAttr::MEM_ATTR_EXEC),
        ModMemType::Data | ModMemType::RoAfterInit | ModMemType::InitData => {
            MemAttr::MEM_ATTR_READ.union(MemAttr::MEM_ATTR_WRITE)
        }
        ModMemType::RoData | ModMemType::InitRoData => MemAttr::MEM_ATTR_READ,
        _ => MemAttr::empty(),
    }
}

impl ModMemType {
    /// Whether the type names loaded module memory (TEXT..INIT_RODATA),
    /// which must be page-aligned and gets protected (C
    /// `heki_mod_mem_type_is_memory()`).
    pub const fn is_memory(self) -> bool {
        matches!(
            self,
            ModMemType::Text
                | ModMemType::Data
                | ModMemType::RoData
                | ModMemType::RoAfterInit
                | ModMemType::InitText
                | ModMemType::InitData
                | ModMemType::InitRoData
        )
    }
}

// ------------------------------------------------------------------------
// Ranges and the page chain
// ------------------------------------------------------------------------

/// One contiguous range of VTL0 memory (`struct heki_range`, 32 bytes):
/// `va` (canonical), `pa` and `epa` (exclusive end, both below 2^52) and
/// `attributes`, whose meaning depends on the call. Natural alignment 8
/// (LiteBox: `packed`; same layout).
pub type HekiRange = raw::heki_range;

impl HekiRange {
    /// Whether `va`, `pa` and `epa` are all multiples of `align`; false
    /// for an `align` that is not a power of two (LiteBox panics there, and
    /// on a non-canonical `va`).
    pub fn is_aligned<U>(&self, align: U) -> bool
    where
        U: Into<u64> + Copy,
    {
        let a: u64 = align.into();
        if !a.is_power_of_two() {
            return false;
        }
        (self.va | self.pa | self.epa) & (a - 1) == 0
    }

    /// The attributes as PROTECT_MEMORY bits; `None` if a bit outside
    /// `MEM_ATTR_VALID_MASK` is set, which VTL1 refuses with
    /// [`VsmError::MemoryAttributeInvalid`] (LiteBox accepts any value).
    pub const fn mem_attr(&self) -> Option<MemAttr> {
        MemAttr::from_bits(self.attributes)
    }

    /// The attributes as a module memory type (`Unknown` if undefined).
    pub const fn mod_mem_type(&self) -> ModMemType {
        match ModMemType::from_raw(self.attributes) {
            Some(t) => t,
            None => ModMemType::Unknown,
        }
    }

    /// The attributes as a kernel data type (`Unknown` if undefined).
    pub const fn heki_kdata_type(&self) -> HekiKdataType {
        match HekiKdataType::from_raw(self.attributes) {
            Some(t) => t,
            None => HekiKdataType::Unknown,
        }
    }

    /// The attributes as a kexec range type (`Unknown` if undefined).
    pub const fn heki_kexec_type(&self) -> HekiKexecType {
        match HekiKexecType::from_raw(self.attributes) {
            Some(t) => t,
            None => HekiKexecType::Unknown,
        }
    }

    /// Set the attributes of a PROTECT_MEMORY range.
    pub fn set_mem_attr(&mut self, attr: MemAttr) {
        self.attributes = attr.bits();
    }

    /// Set the type of a LOAD_KDATA range.
    pub fn set_kdata_type(&mut self, t: HekiKdataType) {
        self.attributes = t.as_raw();
    }

    /// Set the type of a VALIDATE_MODULE range.
    pub fn set_mod_mem_type(&mut self, t: ModMemType) {
        self.attributes = t.as_raw();
    }

    /// Set the type of a KEXEC_VALIDATE range.
    pub fn set_kexec_type(&mut self, t: HekiKexecType) {
        self.attributes = t.as_raw();
    }

    /// `epa - pa`, or `None` if `epa < pa`.
    pub const fn size(&self) -> Option<u64> {
        self.epa.checked_sub(self.pa)
    }

    /// The form checks every range of a chain passes, in the C VTL1's
    /// order (`vtl1_chain_check_range()`): `va` canonical, else
    /// [`VsmError::InvalidVirtualAddress`]; `pa` and `epa` below 2^52, else
    /// [`VsmError::InvalidPhysicalAddress`]; `epa >= pa`, else
    /// [`VsmError::RangeEndBeforeStart`]. The attributes are checked by
    /// each call against its own namespace.
    pub const fn check(&self) -> Result<(), VsmError> {
        if !va_canonical(self.va) {
            return Err(VsmError::InvalidVirtualAddress);
        }
        if !pa_valid(self.pa) || !pa_valid(self.epa) {
            return Err(VsmError::InvalidPhysicalAddress);
        }
        if self.epa < self.pa {
            return Err(VsmError::RangeEndBeforeStart);
        }
        Ok(())
    }

    /// [`Self::check`] passes. (LiteBox also asks that the attributes be
    /// valid in some namespace, which its `MemAttr` makes always true.)
    pub const fn is_valid(&self) -> bool {
        self.check().is_ok()
    }
}

impl core::fmt::Debug for HekiRange {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut d = f.debug_struct("HekiRange");
        d.field("va", &format_args!("{:#x}", self.va))
            .field("pa", &format_args!("{:#x}", self.pa))
            .field("epa", &format_args!("{:#x}", self.epa))
            .field("attr", &format_args!("{:#x}", self.attributes));
        match self.size() {
            Some(n) => d.field("size", &n),
            None => d.field("size", &"epa < pa"),
        };
        d.finish()
    }
}

/// Ranges per chain page: (4096 - 24) / 32 = 127.
pub const HEKI_MAX_RANGES: usize = i32_to_usize(raw::HEKI_MAX_RANGES);

/// One page of a request's range chain (`struct heki_page`, 4096 bytes):
/// `next` (ignored), `next_pa`, `nranges`, `ranges[127]`,
/// `reserved_4088`. Natural alignment 8 (LiteBox: 4096; producers place
/// each page page-aligned).
pub type HekiPage = raw::heki_page;

impl Default for HekiPage {
    fn default() -> Self {
        Self {
            next: 0,
            next_pa: 0,
            nranges: 0,
            ranges: [HekiRange::default(); HEKI_MAX_RANGES],
            reserved_4088: 0,
        }
    }
}

impl HekiPage {
    /// An all-zero page.
    pub fn new() -> Self {
        Self::default()
    }

    /// The valid ranges, `ranges[..nranges]`; empty when `nranges` is above
    /// [`HEKI_MAX_RANGES`] (LiteBox's iterator panics there).
    pub fn ranges(&self) -> &[HekiRange] {
        match usize::try_from(self.nranges) {
            Ok(n) if n <= HEKI_MAX_RANGES => self.ranges.get(..n).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Whether `next_pa` may be followed: page-aligned and below 2^52 (the
    /// last page's `next_pa` may hold anything; a walker stops by count).
    pub const fn next_pa_valid(&self) -> bool {
        pa_valid(self.next_pa) && page_aligned(self.next_pa)
    }

    /// The checks of the C chain walk for one page: `nranges` in
    /// 1..=127, else [`VsmError::ChainPageNrangesInvalid`]; then each
    /// range's [`HekiRange::check`].
    pub fn check(&self) -> Result<(), VsmError> {
        if self.nranges == 0 || self.nranges > HEKI_MAX_RANGES as u64 {
            return Err(VsmError::ChainPageNrangesInvalid);
        }
        self.ranges().iter().try_for_each(HekiRange::check)
    }

    /// [`Self::check`] passes. Stricter than LiteBox in one case, as the C
    /// VTL1: a page with no range is invalid (a chain of empty pages could
    /// loop forever). `next_pa` is not judged here: [`Self::next_pa_valid`].
    pub fn is_valid(&self) -> bool {
        self.check().is_ok()
    }
}

/// The header and the valid ranges (`ranges()`), not all 127 slots.
impl core::fmt::Debug for HekiPage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HekiPage")
            .field("next", &format_args!("{:#x}", self.next))
            .field("next_pa", &format_args!("{:#x}", self.next_pa))
            .field("nranges", &self.nranges)
            .field("ranges", &self.ranges())
            .finish()
    }
}

impl<'a> IntoIterator for &'a HekiPage {
    type Item = &'a HekiRange;
    type IntoIter = core::slice::Iter<'a, HekiRange>;

    fn into_iter(self) -> Self::IntoIter {
        self.ranges().iter()
    }
}

// ------------------------------------------------------------------------
// Text patches
// ------------------------------------------------------------------------

/// Longest x86 text patch, 5 bytes (`POKE_MAX_OPCODE_SIZE`).
pub const POKE_MAX_OPCODE_SIZE: usize = i32_to_usize(raw::POKE_MAX_OPCODE_SIZE);

/// One text patch (`struct heki_patch`, 24 bytes): `pa[0]` the first byte
/// to write, `pa[1]` the page holding the rest when the patch crosses a
/// page (else 0), `size`, `code[5]`, `reserved_22` (LiteBox `_padding`).
pub type HekiPatch = raw::heki_patch;

impl HekiPatch {
    /// Read a patch from exactly 24 bytes and [`Self::validate`] it.
    pub fn try_from_bytes(bytes: &[u8]) -> Option<Self> {
        let p = Self::read_from_bytes(bytes)?;
        if p.is_valid() {
            Some(p)
        } else {
            None
        }
    }

    /// Bytes of the patch inside `pa[0]`'s page: `min(size, 4096 - (pa[0]
    /// % 4096))`.
    pub const fn first_page_len(&self) -> u64 {
        let room = i32_to_u64(raw::HEKI_PAGE_SIZE) - (self.pa[0] & raw::HEKI_PAGE_OFFSET_MASK);
        let size = self.size as u64;
        if size < room {
            size
        } else {
            room
        }
    }

    /// LiteBox's rules plus one, in the C VTL1's order
    /// (`heki_patch_validate()`), each failure with its own code:
    /// `pa[0] != 0` ([`VsmError::PatchPaNull`]); both addresses below 2^52
    /// ([`VsmError::PatchPaInvalid`]); `pa[1]` 0 or page-aligned
    /// ([`VsmError::PatchPa1Unaligned`]); `size` in 1..=5
    /// ([`VsmError::PatchSizeInvalid`]); `pa[0] != pa[1]`
    /// ([`VsmError::PatchPaEqual`]); a patch that leaves `pa[0]`'s page has
    /// `pa[1]` ([`VsmError::PatchPa1Missing`]), one that does not has none
    /// ([`VsmError::PatchPa1Unexpected`]); `pa[1]` is not `pa[0]`'s own page
    /// ([`VsmError::PatchPa1SamePage`], not in LiteBox).
    pub const fn validate(&self) -> Result<(), VsmError> {
        let (pa0, pa1) = (self.pa[0], self.pa[1]);
        if pa0 == 0 {
            return Err(VsmError::PatchPaNull);
        }
        if !pa_valid(pa0) || !pa_valid(pa1) {
            return Err(VsmError::PatchPaInvalid);
        }
        if !page_aligned(pa1) {
            return Err(VsmError::PatchPa1Unaligned);
        }
        if self.size == 0 || self.size as usize > POKE_MAX_OPCODE_SIZE {
            return Err(VsmError::PatchSizeInvalid);
        }
        if pa0 == pa1 {
            return Err(VsmError::PatchPaEqual);
        }
        let first = self.first_page_len();
        if first < self.size as u64 && pa1 == 0 {
            return Err(VsmError::PatchPa1Missing);
        }
        if first == self.size as u64 && pa1 != 0 {
            return Err(VsmError::PatchPa1Unexpected);
        }
        if pa1 != 0 && pa1 == pa0 & !raw::HEKI_PAGE_OFFSET_MASK {
            return Err(VsmError::PatchPa1SamePage);
        }
        Ok(())
    }

    /// [`Self::validate`] passes.
    pub const fn is_valid(&self) -> bool {
        self.validate().is_ok()
    }
}

/// The kind of a precomputed-patch record (`heki_patch_info.type`, u32).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum HekiPatchType {
    /// `HEKI_PATCH_TYPE_JUMP_LABEL`
    JumpLabel = raw::HEKI_PATCH_TYPE_JUMP_LABEL,
    /// Any other value.
    #[default]
    Unknown = 0xffff_ffff,
}

impl TryFrom<u32> for HekiPatchType {
    type Error = u32;

    fn try_from(v: u32) -> Result<Self, u32> {
        if v == raw::HEKI_PATCH_TYPE_JUMP_LABEL {
            Ok(HekiPatchType::JumpLabel)
        } else {
            Err(v)
        }
    }
}

/// Header of one precomputed-patch record (`struct heki_patch_info`, 48
/// bytes), followed by `patch_index` [`HekiPatch`]es. LiteBox's `typ_`,
/// `list` and `mod_` are `type_`, `list_next`/`list_prev` and `mod_`;
/// the 4 implicit padding bytes are `reserved_4`.
pub type HekiPatchInfo = raw::heki_patch_info;

impl HekiPatchInfo {
    /// Read a header from exactly 48 bytes and [`Self::validate`] it.
    pub fn try_from_bytes(bytes: &[u8]) -> Option<Self> {
        let info = Self::read_from_bytes(bytes)?;
        if info.is_valid() {
            Some(info)
        } else {
            None
        }
    }

    /// The record kind.
    pub fn patch_type(&self) -> HekiPatchType {
        HekiPatchType::try_from(self.type_).unwrap_or(HekiPatchType::Unknown)
    }

    /// The C VTL1's header checks, in order: type jump label
    /// ([`VsmError::PatchInfoTypeInvalid`]); at least one patch
    /// ([`VsmError::PatchInfoEmpty`]); `patch_index <= max_patch_count`
    /// ([`VsmError::PatchInfoCountInvalid`]). That the patches fit the
    /// buffer is the walker's check (`PATCH_INFO_TRUNCATED`).
    pub const fn validate(&self) -> Result<(), VsmError> {
        if self.type_ != raw::HEKI_PATCH_TYPE_JUMP_LABEL {
            return Err(VsmError::PatchInfoTypeInvalid);
        }
        if self.patch_index == 0 {
            return Err(VsmError::PatchInfoEmpty);
        }
        if self.patch_index > self.max_patch_count {
            return Err(VsmError::PatchInfoCountInvalid);
        }
        Ok(())
    }

    /// [`Self::validate`] passes (LiteBox's `is_valid`).
    pub const fn is_valid(&self) -> bool {
        self.validate().is_ok()
    }
}

// ------------------------------------------------------------------------
// Kernel symbol information
// ------------------------------------------------------------------------

/// Where the VTL0 kernel's symbol tables are (`struct heki_kernel_info`,
/// the first 32 bytes of the KERNEL_INFO blob). LiteBox types the fields
/// as `*const HekiKernelSymbol`; these are VTL0 addresses, `u64` here.
pub type HekiKernelInfo = raw::heki_kernel_info;

impl HekiKernelInfo {
    /// Size of the struct, 32.
    pub const KINFO_LEN: usize = <Self as Wire>::SIZE;

    /// Read the first 32 bytes of a KERNEL_INFO blob; bytes after them are
    /// ignored here. Shorter: [`VsmError::KernelInfoTooSmall`] (same errno
    /// as LiteBox's `BufferTooSmall`). No alignment needed (LiteBox
    /// asserts it).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VsmError> {
        match Self::read_from_prefix(bytes) {
            Ok((k, _)) => Ok(k),
            Err(_) => Err(VsmError::KernelInfoTooSmall),
        }
    }
}

/// A `__ksymtab` entry (`struct heki_kernel_symbol`, 12 bytes, PREL32
/// offsets relative to each field's own address).
pub type HekiKernelSymbol = raw::heki_kernel_symbol;

impl HekiKernelSymbol {
    /// Size of an entry, 12.
    pub const KSYM_LEN: usize = <Self as Wire>::SIZE;
    /// Names are shorter than this, NUL excluded (`HEKI_KSYM_NAME_LEN`).
    pub const KSY_NAME_LEN: usize = i32_to_usize(raw::HEKI_KSYM_NAME_LEN);

    /// Read one entry from the start of `bytes`; shorter:
    /// [`VsmError::BufferTooSmall`]. No alignment needed (LiteBox asserts
    /// 4-byte alignment, which VTL0 chooses).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VsmError> {
        Self::read_from_prefix(bytes).map(|(s, _)| s)
    }
}

/// The heki extension after the first 32 bytes of KERNEL_INFO (`struct
/// heki_kernel_info_ext`, not in LiteBox; `Documentation/abi.rst`,
/// Compatibility 14). Readers that stop at 32 bytes never see it.
pub type HekiKernelInfoExt = raw::heki_kernel_info_ext;

impl HekiKernelInfoExt {
    /// Find and read the extension in a whole KERNEL_INFO blob, with the
    /// C VTL1's checks of its form, in its order
    /// (`heki_kinfo_ext_parse()`): no magic at byte 32: `Ok(None)`; the
    /// size field cut off or `size` bytes not all present:
    /// [`VsmError::KernelInfoExtTruncated`]; `size` below 72:
    /// [`VsmError::KernelInfoExtSizeInvalid`]; `size` between 72 and 208
    /// or a capability word count not 0 and outside 12..=32:
    /// [`VsmError::KernelInfoExtCapwordsCount`]; non-zero `pad`, `pad2`,
    /// unknown flags or capability words past the count:
    /// [`VsmError::KernelInfoExtReserved`]. A version 1 extension (72
    /// bytes) reads with no capability words. The checks that need the
    /// kernel (version, text bounds, thunks, pv_ops) are the VTL1's.
    pub fn find(blob: &[u8]) -> Result<Option<Self>, VsmError> {
        let info_len = <HekiKernelInfo as Wire>::SIZE;
        let p = match blob.get(info_len..) {
            Some(p) if p.len() >= 4 => p,
            _ => return Ok(None),
        };
        if u32::from_le_bytes(crate::wire::get(p, 0)) != raw::HEKI_KERNEL_INFO_EXT_MAGIC {
            return Ok(None);
        }
        if p.len() < 8 {
            return Err(VsmError::KernelInfoExtTruncated);
        }
        let size = u32::from_le_bytes(crate::wire::get(p, 4)) as u64;
        if size < i32_to_u64(raw::HEKI_KERNEL_INFO_EXT_SIZE_V1) {
            return Err(VsmError::KernelInfoExtSizeInvalid);
        }
        if size > p.len() as u64 {
            return Err(VsmError::KernelInfoExtTruncated);
        }
        let full = <Self as Wire>::SIZE;
        if size != i32_to_u64(raw::HEKI_KERNEL_INFO_EXT_SIZE_V1) && size < full as u64 {
            return Err(VsmError::KernelInfoExtCapwordsCount);
        }
        // Version 1: the fields from ncapwords on read as zero.
        let mut bytes = [0u8; <raw::heki_kernel_info_ext as Wire>::SIZE];
        let n = u64_to_usize(size).min(full);
        for (d, s) in bytes.iter_mut().zip(p.iter().take(n)) {
            *d = *s;
        }
        let e = match Self::read_from_bytes(&bytes) {
            Some(e) => e,
            None => return Err(VsmError::KernelInfoExtTruncated),
        };
        if e.pad != 0 || e.flags & !raw::HEKI_KERNEL_INFO_EXT_FLAGS != 0 {
            return Err(VsmError::KernelInfoExtReserved);
        }
        if e.ncapwords > raw::HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX
            || (e.ncapwords != 0 && e.ncapwords < raw::HEKI_KERNEL_INFO_EXT_CAPWORDS_MIN)
        {
            return Err(VsmError::KernelInfoExtCapwordsCount);
        }
        if e.pad2 != 0 {
            return Err(VsmError::KernelInfoExtReserved);
        }
        if e.capwords.iter().skip(e.ncapwords as usize).any(|&w| w != 0) {
            return Err(VsmError::KernelInfoExtReserved);
        }
        Ok(Some(e))
    }
}

// ------------------------------------------------------------------------
// Kexec
// ------------------------------------------------------------------------

/// Linux `struct kexec_segment` on x86_64 (`struct heki_kexec_segment`).
pub type HekiKexecSegment = raw::heki_kexec_segment;

/// The prefix of Linux 6.6's `struct kimage` VTL1 reads for crash kexec
/// (`struct heki_kimage`, 584 bytes).
pub type HekiKimage = raw::heki_kimage;

/// Segments in a kimage (`KEXEC_SEGMENT_MAX`).
pub const KEXEC_SEGMENT_MAX: usize = i32_to_usize(raw::KEXEC_SEGMENT_MAX);

impl HekiKimage {
    /// The `nr_segments` valid segments; more than [`KEXEC_SEGMENT_MAX`]:
    /// [`VsmError::KexecImageSegmentsInvalid`].
    pub fn segments(&self) -> Result<&[HekiKexecSegment], VsmError> {
        match usize::try_from(self.nr_segments) {
            Ok(n) if n <= KEXEC_SEGMENT_MAX => Ok(self.segment.get(..n).unwrap_or_default()),
            _ => Err(VsmError::KexecImageSegmentsInvalid),
        }
    }
}

// ------------------------------------------------------------------------
// Module signature
// ------------------------------------------------------------------------

/// Linux `struct module_signature` (`struct heki_module_signature`, 12
/// bytes, byte-aligned); the DER length is big-endian in `sig_len_be`.
pub type HekiModuleSignature = raw::heki_module_signature;

/// The magic after the signature header, 28 bytes, no NUL.
pub const MODULE_SIG_MAGIC: &[u8] = raw::HEKI_MODULE_SIG_MAGIC;

impl HekiModuleSignature {
    /// The DER signature length (C `heki_module_signature_sig_len()`).
    pub const fn sig_len(&self) -> u32 {
        u32::from_be_bytes(self.sig_len_be)
    }

    /// Store the DER signature length big-endian.
    pub fn set_sig_len(&mut self, len: u32) {
        self.sig_len_be = len.to_be_bytes();
    }

    /// The shape sign-file writes and LiteBox requires: algo, hash,
    /// signer_len and key_id_len zero, id_type PKCS#7, sig_len non-zero
    /// (C `heki_module_signature_is_pkcs7()`).
    pub const fn is_pkcs7(&self) -> bool {
        self.algo == 0
            && self.hash == 0
            && self.id_type as i32 == raw::HEKI_PKEY_ID_PKCS7
            && self.signer_len == 0
            && self.key_id_len == 0
            && self.sig_len() != 0
    }
}
