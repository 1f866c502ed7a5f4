/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat/sysfs.h - binary sysfs attributes on every supported kernel
 *
 * HEKI_BIN_ATTR_CONST qualifies a struct bin_attribute that a read()
 * callback receives or an attribute group lists: const from 6.16 (Debian's
 * 7.2), plain before (6.1, 6.12). The probe is in compat/probes.mk.
 */
#ifndef _KMOD_COMPAT_SYSFS_H
#define _KMOD_COMPAT_SYSFS_H

#ifdef HEKI_COMPAT_BIN_ATTR_CONST
#define HEKI_BIN_ATTR_CONST const
#else
#define HEKI_BIN_ATTR_CONST
#endif

#endif /* _KMOD_COMPAT_SYSFS_H */
