// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Error types for VSM operations (`uapi/heki/errors.h`).
//!
//! [`VsmError`] has one fieldless variant per `HEKI_VSM_ERROR_LIST` entry:
//! LiteBox's 42 (same names, same errno) and the hardened VTL1's. LiteBox
//! variants that carried data (`ApInitFailed(HypervCallError)`,
//! `BufferTooSmall(&str)`, ...) carry none here: the wire carries only the
//! errno, and the C codes are fieldless. Log the context where it arises.
//!
//! The errno numbers are Linux's, as `raw::HEKI_E*`.

use crate::hvcall::HypervCallError;

pub use crate::generated::lists::{VerificationError, VsmError};

impl VsmError {
    /// The R8 value VTL1 returns for this error: `-errno` as a 64-bit
    /// two's complement pattern (C `heki_vtlcall_result_from_vsm_error()`).
    pub const fn vtlcall_result(self) -> u64 {
        crate::vsm::vtlcall_result_from_errno(self.errno())
    }
}

/// LiteBox wraps a [`VerificationError`] in
/// `VsmError::SignatureVerificationFailed(e)` and returns the inner error's
/// errno. The C codes carry no payload, so each inner error maps to the
/// hardened code with that same errno (`SIG_*`, `MODSIG_NOT_FOUND`): the
/// wire result is LiteBox's (`tests/errors.rs` checks every pair).
impl From<VerificationError> for VsmError {
    fn from(e: VerificationError) -> Self {
        match e {
            VerificationError::SignatureNotFound => VsmError::ModsigNotFound,
            VerificationError::InvalidSignature => VsmError::SigInvalid,
            VerificationError::InvalidCertificate => VsmError::SigNoKey,
            VerificationError::AuthenticationFailed => VsmError::SigKeyRejected,
            VerificationError::ParseFailed => VsmError::SigParseFailed,
            VerificationError::Unsupported => VsmError::SigUnsupported,
        }
    }
}

/// A failed hypercall is `HypercallFailed` (EIO), as in LiteBox; the
/// status itself does not cross the wire.
impl From<HypervCallError> for VsmError {
    fn from(_: HypervCallError) -> Self {
        VsmError::HypercallFailed
    }
}

#[cfg(feature = "std")]
impl std::error::Error for VsmError {}

#[cfg(feature = "std")]
impl std::error::Error for VerificationError {}
