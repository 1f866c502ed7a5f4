// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! The error types against LiteBox's, as vtl1-litebox.md §1.5, §1.6 and
//! §4.12 list them (typed from that document, not from the headers).

use heki_abi::error::{VerificationError, VsmError};
use heki_abi::hvcall::HypervCallError;
use heki_abi::mshv::VsmFunction;
use heki_abi::vsm::{vtlcall_result_errno, vtlcall_result_is_error};

/// LiteBox's 42 VsmError variants by errno (§1.5), without the wrapper
/// SignatureVerificationFailed, whose errno is the inner error's.
const LITEBOX_VSM_ERRNO: &[(i32, &[&str])] = &[
    (
        14,
        &[
            "InvalidInputAddress",
            "InvalidPhysicalAddress",
            "InvalidVirtualAddress",
            "DiscontiguousMemoryRange",
            "BootSignalPageCopyFailed",
            "BootSignalWriteFailed",
            "CpuOnlineMaskCopyFailed",
            "HekiPagesCopyFailed",
            "Vtl0CopyFailed",
        ],
    ),
    (
        2,
        &[
            "SystemCertificatesNotFound",
            "KernelSymbolTableNotFound",
            "PrecomputedPatchNotFound",
        ],
    ),
    (1, &["OperationAfterEndOfBoot"]),
    (95, &["OperationNotSupported"]),
    (
        13,
        &[
            "TextPatchSuspicious",
            "SystemCertificatesInvalid",
            "SystemCertificatesNotLoaded",
        ],
    ),
    (
        34,
        &[
            "BufferTooSmall",
            "KexecSegmentRangeInvalid",
            "ModuleElfSizeExceeded",
            "CodePageOffsetOverflow",
            "SymbolNameTooLong",
            "SymbolTableOutOfRange",
        ],
    ),
    (5, &["ApInitFailed", "HypercallFailed"]),
    (
        22,
        &[
            "AddressNotPageAligned",
            "MemoryAttributeInvalid",
            "KernelDataTypeInvalid",
            "ModuleMemoryTypeInvalid",
            "ModuleRelocationInvalid",
            "ModuleTokenInvalid",
            "KexecTypeInvalid",
            "KexecImageSegmentsInvalid",
            "SymbolTableEmpty",
            "SymbolTableLengthInvalid",
            "SymbolParseFailed",
            "SymbolNameOffsetInvalid",
            "SymbolNameInvalidUtf8",
            "SymbolNameNoTerminator",
            "CertificateDerLengthInvalid",
            "CertificateParseFailed",
        ],
    ),
];

fn by_name(name: &str) -> Option<VsmError> {
    VsmError::ALL.iter().copied().find(|e| format!("{:?}", e) == name)
}

#[test]
fn litebox_vsm_errors_keep_their_names_and_errnos() {
    let mut n = 0;
    for (errno, names) in LITEBOX_VSM_ERRNO {
        for name in *names {
            let e = by_name(name).unwrap_or_else(|| panic!("no VsmError::{}", name));
            assert_eq!(e.errno(), *errno, "{}", name);
            assert!(
                (e as u32) <= heki_abi::raw::HEKI_VSM_ERROR_LITEBOX_COUNT as u32,
                "{} among the first 42",
                name
            );
            n += 1;
        }
    }
    assert!(by_name("SignatureVerificationFailed").is_some());
    assert_eq!(n + 1, heki_abi::raw::HEKI_VSM_ERROR_LITEBOX_COUNT);
}

#[test]
fn verification_errors_keep_litebox_s_errnos_also_through_vsm_error() {
    let want = [
        (VerificationError::AuthenticationFailed, 129),
        (VerificationError::SignatureNotFound, 61),
        (VerificationError::Unsupported, 65),
        (VerificationError::InvalidCertificate, 126),
        (VerificationError::InvalidSignature, 80),
        (VerificationError::ParseFailed, 80),
    ];
    assert_eq!(want.len(), VerificationError::ALL.len());
    for (v, errno) in want {
        assert_eq!(v.errno(), errno, "{:?}", v);
        let e = VsmError::from(v);
        assert_eq!(e.errno(), errno, "{:?} -> {:?} keeps the errno on the wire", v, e);
        assert_eq!(vtlcall_result_errno(e.vtlcall_result()), errno);
    }
}

#[test]
fn every_error_is_a_negative_r8_with_its_errno() {
    for e in VsmError::ALL {
        let r8 = e.vtlcall_result();
        assert!(vtlcall_result_is_error(r8), "{:?}", e);
        assert_eq!(vtlcall_result_errno(r8), e.errno(), "{:?}", e);
        assert!((1..4096).contains(&e.errno()), "{:?}", e);
        assert!(!e.message().is_empty() && e.to_string() == e.message());
        assert_eq!(VsmError::try_from(e as u32), Ok(e));
    }
    assert_eq!(VsmError::try_from(0), Err(0), "OK is not an error");
    assert_eq!(
        VsmError::try_from(heki_abi::raw::HEKI_VSM_ERR_COUNT as u32),
        Err(heki_abi::raw::HEKI_VSM_ERR_COUNT as u32)
    );
    assert_eq!(VsmError::from(HypervCallError::TimeOut), VsmError::HypercallFailed);
}

#[test]
fn function_ids_are_litebox_s() {
    let want = [
        (0x1FFE0, VsmFunction::EnableAPsVtl),
        (0x1FFE1, VsmFunction::BootAPs),
        (0x1FFE2, VsmFunction::LockRegs),
        (0x1FFE3, VsmFunction::SignalEndOfBoot),
        (0x1FFE4, VsmFunction::ProtectMemory),
        (0x1FFE5, VsmFunction::LoadKData),
        (0x1FFE6, VsmFunction::ValidateModule),
        (0x1FFE7, VsmFunction::FreeModuleInit),
        (0x1FFE8, VsmFunction::UnloadModule),
        (0x1FFE9, VsmFunction::CopySecondaryKey),
        (0x1FFEA, VsmFunction::KexecValidate),
        (0x1FFEB, VsmFunction::PatchText),
        (0x1FFEC, VsmFunction::AllocateRingbufferMemory),
        (0x1FFF0, VsmFunction::OpteeMessage),
    ];
    assert_eq!(want.len(), VsmFunction::ALL.len());
    for (id, f) in want {
        assert_eq!(VsmFunction::try_from(id), Ok(f));
        assert_eq!(f as u32, id);
        assert_eq!(
            VsmFunction::from_rdi(0xDEAD_BEEF_0000_0000 | id as u64),
            Ok(f),
            "bits 32..63 ignored"
        );
    }
    for id in [0x1FFED, 0x1FFEF, 0x1FFF1, 0, u32::MAX] {
        assert_eq!(VsmFunction::try_from(id), Err(id));
    }
}

#[test]
fn hypercall_errors_are_litebox_s_and_a_wide_value_is_not_truncated() {
    let want = [
        (2u16, HypervCallError::InvalidCode),
        (3, HypervCallError::InvalidInput),
        (4, HypervCallError::InvalidAlignment),
        (5, HypervCallError::InvalidParameter),
        (6, HypervCallError::AccessDenied),
        (8, HypervCallError::OperationDenied),
        (11, HypervCallError::InsufficientMemory),
        (17, HypervCallError::InvalidPortID),
        (18, HypervCallError::InvalidConnectionID),
        (19, HypervCallError::InsufficientBuffers),
        (120, HypervCallError::TimeOut),
        (134, HypervCallError::AlreadyEnabled),
    ];
    for (s, e) in want {
        assert_eq!(HypervCallError::try_from(s), Ok(e));
        assert_eq!(HypervCallError::try_from(s as u32), Ok(e));
        assert_eq!(HypervCallError::check_status(s), Err(e));
        assert_eq!(u32::from(e), s as u32);
    }
    assert_eq!(HypervCallError::check_status(0), Ok(()));
    assert_eq!(HypervCallError::try_from(0u16), Err(0), "success is not an error");
    assert_eq!(HypervCallError::check_status(0x1234), Err(HypervCallError::Unknown));
    assert_eq!(
        HypervCallError::try_from(0x1_0002u32),
        Err(0x1_0002),
        "not truncated to status 2"
    );
    assert_eq!(
        HypervCallError::try_from(0xFFFF_FFFFu32),
        Err(0xFFFF_FFFF),
        "Unknown is not a status"
    );
    assert_eq!(
        HypervCallError::check_result(0x0000_0003_0000_0078),
        Err(HypervCallError::TimeOut)
    );
    assert_eq!(HypervCallError::Unknown as u32, 0xFFFF_FFFF);
}
