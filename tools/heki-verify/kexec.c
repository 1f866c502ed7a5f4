// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The kexec command: what KexecValidate checks on the kernel blob
 * (vtl1/src/kexec/kexec.c): no larger than HEKI_VTL1_MAX_KEXEC_SIZE, and
 * heki_authenticode_verify(): the PE/COFF image, its Authenticode digest
 * and a keyring certificate as the signer of its PKCS#7. The segments'
 * placement and the entry list need the loaded image: only VTL1 checks them.
 */
#include <stdlib.h>

#include "heki_vtl1.h"
#include "kexec/authenticode.h"
#include "verify.h"

/**
 * hv_check_kexec() - would KexecValidate accept this kernel image?
 * @k: the keyring
 * @path: the image (a signed bzImage, e.g. /boot/vmlinuz-*)
 * @r: the verdict (reset and its @path set by hv_read_file())
 */
void hv_check_kexec(const struct hv_keyring *k, const char *path,
		    struct hv_result *r)
{
	struct hv_buf b;
	int ret;

	if (hv_read_file(path, HEKI_VTL1_MAX_KEXEC_SIZE,
			 HEKI_VSM_ERR_KEXEC_SIZE_EXCEEDED, &b, r))
		return;
	if (!b.len)
		ret = -HEKI_VSM_ERR_KEXEC_BLOB_MISSING;
	else
		ret = heki_authenticode_verify_rev(k->crypto, k->kr, k->rev,
						   b.data, b.len);
	free(b.data);
	if (ret) {
		r->verdict = HV_REFUSED;
		r->step = "authenticode";
		r->code = -ret;
	}
}
