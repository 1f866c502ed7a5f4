# SPDX-License-Identifier: GPL-2.0-only OR MIT
# shellcheck shell=sh
# Guest part of tests/vm/layout-oracle.sh (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh). Environment: MODS, the module files under /m/
# (without .ko) in load order, dependencies first.
#
# The kernel itself says where it put every section: the loader's
# pr_debug in move_module() (one line per ALLOC section, in header order,
# for every load, even one whose init then fails), enabled with dynamic
# debug; /sys/module/*/sections/* (every non-empty ALLOC section of a live
# module); coresize, initsize and /proc/modules; and struct module's own
# layout fields when do_init_module() starts (a kprobe event). Everything is printed with
# an @@ tag; the host (tests/layout/oracle_compare.py) judges it.

echo 'file kernel/module/main.c +p' > /sys/kernel/debug/dynamic_debug/control
# PROBE: a kprobe on do_init_module() printing struct module's layout
# fields (tests/layout/kprobe_spec.py).
T=/sys/kernel/tracing
if [ -n "${PROBE:-}" ]; then
	mount -t tracefs tracefs $T 2>/dev/null || true
	if echo "$PROBE" > $T/kprobe_events &&
	   echo 1 > $T/events/oracle/modmem/enable; then
		echo "@@PROBE-ON"
	else
		echo "@@PROBE-FAILED"
	fi
fi
for m in $MODS; do
	echo "layout-oracle: load $m" > /dev/kmsg
	if insmod "/m/$m.ko" 2>/tmp/err; then
		echo "@@LOADED $m"
	else
		echo "@@FAILED $m $(cat /tmp/err)"
	fi
done
echo "layout-oracle: loads done" > /dev/kmsg
for d in /sys/module/*/sections; do
	name=${d%/sections}
	name=${name##*/}
	[ -f "/sys/module/$name/coresize" ] || continue
	echo "@@MOD $name $(cat "/sys/module/$name/coresize") $(cat "/sys/module/$name/initsize" 2>/dev/null || echo -)"
	for f in "$d"/* "$d"/.[!.]*; do
		[ -f "$f" ] || continue
		echo "@@SECT $name ${f##*/} $(cat "$f")"
	done
done
sed 's/^/@@PROC /' /proc/modules
[ -z "${PROBE:-}" ] || grep ' modmem: ' $T/trace | sed 's/^/@@KPROBE /'
t "guest dumped the module sections" true
