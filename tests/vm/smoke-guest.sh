# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Guest part of tests/vm/smoke.sh (run by scripts/vm-run.sh; $ABI from -e).
# Loopback transport without kernel data or protected text: the smallest
# configuration that loads on a stock kernel and may be unloaded again.

t "insmod heki_vtl0.ko (loopback)" insmod $HEKI_KO $HEKI_ARGS load_kdata=0 protect_kernel=0
t "reports ABI $ABI" dmesg_has "heki_vtl0: ABI $ABI loaded"
t "listed in /proc/modules" heki_loaded
t "rmmod $HEKI_MOD" rmmod $HEKI_MOD
t "gone from /proc/modules" fails heki_loaded
t "reports unload" dmesg_has "heki_vtl0: unloaded"
