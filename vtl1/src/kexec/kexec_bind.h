/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kexec_bind.h - KexecValidate: bind the verified kernel blob to the
 * kimage (kexec_bind.c).
 */
#ifndef HEKI_VTL1_KEXEC_BIND_H
#define HEKI_VTL1_KEXEC_BIND_H

#include "core/core.h"

int heki_kexec_bind(struct heki_vtl1 *v, const struct vtl1_chain *c,
		    const struct vtl1_buf *image, const struct vtl1_buf *blob,
		    int crash);

#endif /* HEKI_VTL1_KEXEC_BIND_H */
