// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Hyper-V hypercalls: the error type, the codes and the control word
//! (`uapi/heki/hv.h`).

use crate::conv::i32_to_u16;
use crate::raw;

pub use crate::generated::lists::HypervCallError;

/// `HvCallModifyVtlProtectionMask`
pub const HVCALL_MODIFY_VTL_PROTECTION_MASK: u16 = i32_to_u16(raw::HVCALL_MODIFY_VTL_PROTECTION_MASK);
/// `HvCallEnablePartitionVtl`
pub const HVCALL_ENABLE_PARTITION_VTL: u16 = i32_to_u16(raw::HVCALL_ENABLE_PARTITION_VTL);
/// `HvCallEnableVpVtl`
pub const HVCALL_ENABLE_VP_VTL: u16 = i32_to_u16(raw::HVCALL_ENABLE_VP_VTL);
/// `HvCallVtlCall`
pub const HVCALL_VTL_CALL: u16 = i32_to_u16(raw::HVCALL_VTL_CALL);
/// `HvCallVtlReturn`
pub const HVCALL_VTL_RETURN: u16 = i32_to_u16(raw::HVCALL_VTL_RETURN);
/// `HvCallFlushVirtualAddressSpaceEx`
pub const HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX: u16 = i32_to_u16(raw::HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX);
/// `HvCallFlushVirtualAddressListEx`
pub const HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX: u16 = i32_to_u16(raw::HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX);
/// `HvCallGetVpRegisters`
pub const HVCALL_GET_VP_REGISTERS: u16 = i32_to_u16(raw::HVCALL_GET_VP_REGISTERS);
/// `HvCallSetVpRegisters`
pub const HVCALL_SET_VP_REGISTERS: u16 = i32_to_u16(raw::HVCALL_SET_VP_REGISTERS);

/// The hypercall control word (RCX) for `code` with a variable header of
/// `varhead_qwords` 8-byte units, `rep_count` reps starting at
/// `rep_start`. Bits that do not fit a field are dropped, so an oversized
/// argument cannot spill into its neighbour (C `hv_hypercall_control()`).
pub const fn hypercall_control(code: u16, varhead_qwords: u64, rep_count: u64, rep_start: u64) -> u64 {
    (((code as u64) << raw::HV_HYPERCALL_CODE_SHIFT) & raw::HV_HYPERCALL_CODE_MASK)
        | ((varhead_qwords << raw::HV_HYPERCALL_VARHEAD_SHIFT) & raw::HV_HYPERCALL_VARHEAD_MASK)
        | ((rep_count << raw::HV_HYPERCALL_REP_COUNT_SHIFT) & raw::HV_HYPERCALL_REP_COUNT_MASK)
        | ((rep_start << raw::HV_HYPERCALL_REP_START_SHIFT) & raw::HV_HYPERCALL_REP_START_MASK)
}

/// The 16-bit status of a hypercall result (RAX), C `hv_hypercall_status()`.
pub const fn hypercall_status(result: u64) -> u16 {
    (result & raw::HV_HYPERCALL_STATUS_MASK) as u16
}

/// The reps the hypervisor completed (0..4095), C `hv_hypercall_reps_done()`.
pub const fn hypercall_reps_done(result: u64) -> u32 {
    ((result & raw::HV_HYPERCALL_REPS_DONE_MASK) >> raw::HV_HYPERCALL_REPS_DONE_SHIFT) as u32
}

impl HypervCallError {
    /// `Ok` for `HV_STATUS_SUCCESS`, else the error; a status outside
    /// `HV_STATUS_LIST` is [`HypervCallError::Unknown`].
    pub const fn check_status(status: u16) -> Result<(), HypervCallError> {
        if status == raw::HV_STATUS_SUCCESS {
            return Ok(());
        }
        match Self::from_raw(status) {
            Some(e) => Err(e),
            None => Err(HypervCallError::Unknown),
        }
    }

    /// [`Self::check_status`] of the status field of a hypercall result.
    pub const fn check_result(result: u64) -> Result<(), HypervCallError> {
        Self::check_status(hypercall_status(result))
    }
}

#[cfg(feature = "std")]
impl std::error::Error for HypervCallError {}
