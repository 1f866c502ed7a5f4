# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel differences heki_vtl0 cannot tell by a macro of the kernel's own
# headers, probed once per build from the headers kbuild builds against
# (included by ./Kbuild). Each probe defines one HEKI_COMPAT_* macro; only
# the headers in kmod/compat/ read them, one header per concern, so no
# other file carries a version test. The kernel that changed each fact is
# named; Documentation/kmod.rst (Supported kernels) has the whole list.

# 6.10: __assign_str(dst) takes the destination only (the source is the
# one given to __string()).
ifneq ($(shell grep -s '__assign_str(dst)' \
	$(srctree)/include/trace/stages/stage6_event_callback.h),)
ccflags-y += -DHEKI_COMPAT_ASSIGN_STR_DST_ONLY
endif

# After 6.12 (Debian's 7.2 has it): x86 hypercalls go through the static
# call hv_hypercall and hv_hypercall_pg is no longer exported.
ifneq ($(wildcard $(objtree)/Module.symvers),)
ifeq ($(shell grep -sw hv_hypercall_pg $(objtree)/Module.symvers),)
ccflags-y += -DHEKI_COMPAT_HV_PG_UNEXPORTED
endif
endif

# After 6.12 (Debian's 7.2 has it): struct public_key_signature carries the message (m, m_size) where
# the digest (digest, digest_size) was.
ifneq ($(shell grep -s 'm_size;' $(srctree)/include/crypto/public_key.h),)
ccflags-y += -DHEKI_COMPAT_PKS_MESSAGE
endif

# 6.16 (Debian's 7.2 has it): binary sysfs attributes are const: read()
# takes a const struct bin_attribute * and attribute_group.bin_attrs
# points to const ones.
ifneq ($(shell grep -sE 'const struct bin_attribute[[:space:]]+\*const \*bin_attrs;' \
	$(srctree)/include/linux/sysfs.h),)
ccflags-y += -DHEKI_COMPAT_BIN_ATTR_CONST
endif

# 6.17 (Debian's 6.12.118 has the flag, 7.2 warns without it or
# WQ_UNBOUND): alloc_workqueue() takes WQ_PERCPU for a per-CPU workqueue.
ifneq ($(shell grep -s 'WQ_PERCPU' $(srctree)/include/linux/workqueue.h),)
ccflags-y += -DHEKI_COMPAT_WQ_PERCPU
endif
