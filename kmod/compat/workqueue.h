/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat/workqueue.h - workqueue flags across kernels
 *
 * HEKI_WQ_PERCPU asks alloc_workqueue() for a per-CPU workqueue, the only
 * kind up to 6.16 when neither WQ_UNBOUND nor WQ_PERCPU is given. WQ_PERCPU
 * came with the change that makes unbound the default (Debian's 6.12.118
 * has the flag; 7.2 warns when a workqueue names neither); 6.1 has no such
 * flag. The probe is in compat/probes.mk.
 */
#ifndef _KMOD_COMPAT_WORKQUEUE_H
#define _KMOD_COMPAT_WORKQUEUE_H

#include <linux/workqueue.h>

#ifdef HEKI_COMPAT_WQ_PERCPU
#define HEKI_WQ_PERCPU WQ_PERCPU
#else
#define HEKI_WQ_PERCPU 0
#endif

#endif /* _KMOD_COMPAT_WORKQUEUE_H */
