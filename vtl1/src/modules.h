/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * modules.h - validated modules and their memory.
 */
#ifndef HEKI_VTL1_MODULES_H
#define HEKI_VTL1_MODULES_H

#include "core.h"

struct vtl1_module *vtl1_module_find(struct heki_vtl1 *v, __s64 token);
void vtl1_modules_free_all(struct heki_vtl1 *v);

#endif /* HEKI_VTL1_MODULES_H */
