// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Hyper-V constants and data-only types (`uapi/heki/hv.h`, `vsm.h`).
//!
//! Types follow C where it differs from LiteBox on purpose: `HV_STATUS_*`
//! are `u16` (the hypercall status field; LiteBox: `u32`) and
//! [`HvPageProtFlags`] is `u32` (the hypercall's map_flags; LiteBox: `u8`),
//! same values. MSR numbers are `u32`; `MSR_SYSCALL_MASK` is the
//! architectural `0xC0000084` (LiteBox: `0x84`).

use crate::conv::{i32_to_u32, i32_to_u8, i32_to_usize, u32_to_u8};
use crate::raw;

pub use crate::generated::flags::{HvCrInterceptControlFlags, HvPageProtFlags, X86Cr0Flags, X86Cr4Flags};
pub use crate::generated::lists::VsmFunction;
pub use crate::generated::registers::{
    HvPendingExceptionEvent, HvRegisterVsmCodePageOffsets, HvRegisterVsmPartitionConfig, HvRegisterVsmPartitionStatus,
    HvRegisterVsmVpSecureVtlConfig, HvRegisterVsmVpStatus, HvSynicSint,
};

pub use crate::raw::{
    HV_STATUS_ACCESS_DENIED, HV_STATUS_INSUFFICIENT_BUFFERS, HV_STATUS_INSUFFICIENT_MEMORY,
    HV_STATUS_INVALID_ALIGNMENT, HV_STATUS_INVALID_CONNECTION_ID, HV_STATUS_INVALID_HYPERCALL_CODE,
    HV_STATUS_INVALID_HYPERCALL_INPUT, HV_STATUS_INVALID_PARAMETER, HV_STATUS_INVALID_PARTITION_STATE,
    HV_STATUS_INVALID_PORT_ID, HV_STATUS_INVALID_REGISTER_VALUE, HV_STATUS_INVALID_VP_INDEX,
    HV_STATUS_INVALID_VTL_STATE, HV_STATUS_OPERATION_DENIED, HV_STATUS_SUCCESS, HV_STATUS_TIME_OUT,
    HV_STATUS_UNKNOWN_REGISTER_NAME, HV_STATUS_VTL_ALREADY_ENABLED,
};

pub use crate::raw::{
    HV_REGISTER_APIC_BASE, HV_REGISTER_CR0, HV_REGISTER_CR4, HV_REGISTER_CR_INTERCEPT_CONTROL,
    HV_REGISTER_CR_INTERCEPT_CR0_MASK, HV_REGISTER_CR_INTERCEPT_CR4_MASK, HV_REGISTER_CSTAR, HV_REGISTER_EFER,
    HV_REGISTER_GDTR, HV_REGISTER_IDTR, HV_REGISTER_LDTR, HV_REGISTER_LSTAR, HV_REGISTER_PENDING_EVENT0,
    HV_REGISTER_RIP, HV_REGISTER_SFMASK, HV_REGISTER_STAR, HV_REGISTER_SYSENTER_CS, HV_REGISTER_SYSENTER_EIP,
    HV_REGISTER_SYSENTER_ESP, HV_REGISTER_TR, HV_REGISTER_VSM_CAPABILITIES, HV_REGISTER_VSM_CODEPAGE_OFFSETS,
    HV_REGISTER_VSM_PARTITION_CONFIG, HV_REGISTER_VSM_PARTITION_STATUS, HV_REGISTER_VSM_VINA,
    HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0, HV_REGISTER_VSM_VP_STATUS,
};

pub use crate::raw::{
    VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY, VSM_VTL_CALL_FUNC_ID_BOOT_APS,
    VSM_VTL_CALL_FUNC_ID_COPY_SECONDARY_KEY, VSM_VTL_CALL_FUNC_ID_ENABLE_APS_VTL,
    VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT, VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE, VSM_VTL_CALL_FUNC_ID_LOAD_KDATA,
    VSM_VTL_CALL_FUNC_ID_LOCK_REGS, VSM_VTL_CALL_FUNC_ID_OPTEE_MESSAGE, VSM_VTL_CALL_FUNC_ID_PATCH_TEXT,
    VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT, VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE,
    VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE,
};

pub use crate::raw::{HV_MESSAGE_TYPE_MSR_INTERCEPT, HV_MESSAGE_TYPE_NONE, HV_MESSAGE_TYPE_REGISTER_INTERCEPT};
pub use crate::raw::{HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF};

/// Byte BOOT_APS writes at `boot_signal[cpu]` for each started CPU.
pub const HV_SECURE_VTL_BOOT_TOKEN: u8 = i32_to_u8(raw::HV_SECURE_VTL_BOOT_TOKEN);

/// VTL call parameters (`params[0]`: function ID in RDI, then RSI, RDX, R8).
pub const NUM_VTLCALL_PARAMS: usize = i32_to_usize(raw::NUM_VTLCALL_PARAMS);

/// VTL0, the Linux guest.
pub const HV_VTL_NORMAL: u8 = i32_to_u8(raw::HV_VTL_NORMAL);
/// VTL1, the secure kernel.
pub const HV_VTL_SECURE: u8 = i32_to_u8(raw::HV_VTL_SECURE);
/// VTL2.
pub const HV_VTL_MGMT: u8 = i32_to_u8(raw::HV_VTL_MGMT);

/// Synthetic MSR: guest OS ID.
pub const HV_X64_MSR_GUEST_OS_ID: u32 = i32_to_u32(raw::HV_X64_MSR_GUEST_OS_ID);
/// Synthetic MSR: hypercall page.
pub const HV_X64_MSR_HYPERCALL: u32 = i32_to_u32(raw::HV_X64_MSR_HYPERCALL);
/// Synthetic MSR: VP index.
pub const HV_X64_MSR_VP_INDEX: u32 = i32_to_u32(raw::HV_X64_MSR_VP_INDEX);
/// Synthetic MSR: VP assist page.
pub const HV_X64_MSR_VP_ASSIST_PAGE: u32 = i32_to_u32(raw::HV_X64_MSR_VP_ASSIST_PAGE);
/// Synthetic MSR: SynIC control.
pub const HV_X64_MSR_SCONTROL: u32 = i32_to_u32(raw::HV_X64_MSR_SCONTROL);
/// Synthetic MSR: SynIC event flags page.
pub const HV_X64_MSR_SIEFP: u32 = i32_to_u32(raw::HV_X64_MSR_SIEFP);
/// Synthetic MSR: SynIC message page.
pub const HV_X64_MSR_SIMP: u32 = i32_to_u32(raw::HV_X64_MSR_SIMP);
/// Synthetic MSR: SINT0.
pub const HV_X64_MSR_SINT0: u32 = i32_to_u32(raw::HV_X64_MSR_SINT0);

/// IA32_APIC_BASE.
pub const MSR_IA32_APICBASE: u32 = i32_to_u32(raw::MSR_IA32_APICBASE);
/// IA32_SYSENTER_CS.
pub const MSR_IA32_SYSENTER_CS: u32 = i32_to_u32(raw::MSR_IA32_SYSENTER_CS);
/// IA32_SYSENTER_ESP.
pub const MSR_IA32_SYSENTER_ESP: u32 = i32_to_u32(raw::MSR_IA32_SYSENTER_ESP);
/// IA32_SYSENTER_EIP.
pub const MSR_IA32_SYSENTER_EIP: u32 = i32_to_u32(raw::MSR_IA32_SYSENTER_EIP);
pub use crate::raw::{MSR_CSTAR, MSR_EFER, MSR_LSTAR, MSR_STAR, MSR_SYSCALL_MASK};

impl VsmFunction {
    /// The function RDI selects: its low 32 bits (bits 32..63 are
    /// ignored, C `heki_vtlcall_func()`); `Err` carries an unknown ID,
    /// which VTL1 answers with `-EINVAL`.
    pub const fn from_rdi(rdi: u64) -> Result<Self, u32> {
        let id = (rdi & 0xFFFF_FFFF) as u32;
        match Self::from_raw(id) {
            Some(f) => Ok(f),
            None => Err(id),
        }
    }
}

impl HvPendingExceptionEvent {
    /// The PENDING_EVENT0 value that injects #GP(0) into VTL0: pending,
    /// type exception, error code delivered, vector 13, error code 0
    /// (C `hv_pending_exception_gp()`, what LiteBox writes to refuse a
    /// register write).
    pub const fn general_protection() -> Self {
        Self::new()
            .with_event_pending(true)
            .with_event_type(i32_to_u8(raw::HV_PENDING_EVENT_TYPE_EXCEPTION))
            .with_deliver_error_code(true)
            .with_vector(crate::conv::i32_to_u16(raw::HV_X86_VECTOR_GP))
            .with_error_code(0)
    }
}

impl HvSynicSint {
    /// The register value (LiteBox's name for [`Self::as_u64`]).
    pub const fn as_uint64(&self) -> u64 {
        self.as_u64()
    }
}

/// `HvInputVtl`, the byte that tells a hypercall which VTL it targets:
/// bits 0..3 `target_vtl`, bit 4 `use_target_vtl`, bits 5..7 reserved.
/// Setters drop bits that do not fit (C `hv_input_vtl()`).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct HvInputVtl(u8);

const TARGET_VTL_MASK: u8 = u32_to_u8(raw::HV_INPUT_VTL_TARGET_VTL_MASK);
const USE_TARGET_VTL_MASK: u8 = u32_to_u8(raw::HV_INPUT_VTL_USE_TARGET_VTL_MASK);

impl HvInputVtl {
    /// All fields zero: "the caller's VTL".
    pub const fn new() -> Self {
        Self(0)
    }

    /// Address VTL `vtl` (`use_target_vtl` set), C `hv_input_vtl(vtl, 1)`.
    pub const fn new_for_vtl(vtl: u8) -> Self {
        Self::new().with_target_vtl(vtl).with_use_target_vtl(true)
    }

    /// The caller's own VTL (`use_target_vtl` clear), C
    /// `hv_input_vtl_current()`.
    pub const fn current() -> Self {
        Self::new()
    }

    /// From the encoded byte, every bit kept.
    pub const fn from_u8(v: u8) -> Self {
        Self(v)
    }

    /// The encoded byte.
    pub const fn as_u8(&self) -> u8 {
        self.0
    }

    /// `target_vtl`, bits 0..3 (C `hv_input_vtl_target()`).
    pub const fn target_vtl(&self) -> u8 {
        (self.0 & TARGET_VTL_MASK) >> raw::HV_INPUT_VTL_TARGET_VTL_SHIFT
    }

    /// Set `target_vtl`; bits above 3 are dropped.
    pub fn set_target_vtl(&mut self, vtl: u8) {
        *self = self.with_target_vtl(vtl);
    }

    /// This value with `target_vtl` = `vtl` (bits above 3 dropped).
    pub const fn with_target_vtl(self, vtl: u8) -> Self {
        Self((self.0 & !TARGET_VTL_MASK) | ((vtl << raw::HV_INPUT_VTL_TARGET_VTL_SHIFT) & TARGET_VTL_MASK))
    }

    /// `use_target_vtl`, bit 4 (C `hv_input_vtl_use_target()`).
    pub const fn use_target_vtl(&self) -> bool {
        self.0 & USE_TARGET_VTL_MASK != 0
    }

    /// Set `use_target_vtl`.
    pub fn set_use_target_vtl(&mut self, on: bool) {
        *self = self.with_use_target_vtl(on);
    }

    /// This value with `use_target_vtl` = `on`.
    pub const fn with_use_target_vtl(self, on: bool) -> Self {
        if on {
            Self(self.0 | USE_TARGET_VTL_MASK)
        } else {
            Self(self.0 & !USE_TARGET_VTL_MASK)
        }
    }
}

impl core::fmt::Debug for HvInputVtl {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HvInputVtl")
            .field("target_vtl", &self.target_vtl())
            .field("use_target_vtl", &self.use_target_vtl())
            .finish()
    }
}
