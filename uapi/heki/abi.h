/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * HEKI wire ABI: umbrella header. Consumers use -I uapi and
 * #include <heki/abi.h>. Documentation/abi.rst is the reference.
 */
#ifndef _UAPI_HEKI_ABI_H
#define _UAPI_HEKI_ABI_H

#include "types.h"
#include "errors.h"
#include "hv.h"
#include "vsm.h"
#include "heki.h"
#include "patch.h"
#include "kinfo.h"
#include "kexec.h"
#include "modsig.h"
#include "results.h"

/*
 * Version of this ABI definition. MAJOR changes on any incompatible wire
 * change; MINOR when names, codes or helpers are added compatibly.
 */
#define HEKI_ABI_VERSION_MAJOR	1
#define HEKI_ABI_VERSION_MINOR	0
#define HEKI_ABI_VERSION \
	((HEKI_ABI_VERSION_MAJOR << 16) | HEKI_ABI_VERSION_MINOR)

#endif /* _UAPI_HEKI_ABI_H */
