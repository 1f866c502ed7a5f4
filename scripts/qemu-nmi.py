#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""qemu-nmi.py - after SECONDS, inject an NMI through QEMU's monitor socket.

Usage: qemu-nmi.py SECONDS SOCKET

scripts/vm-run.sh starts it next to QEMU and kills it when QEMU ends in
time. A guest that has not ended after SECONDS gets an NMI on every vCPU;
booted with unknown_nmi_panic=1 panic_print=64, its kernel panics and
prints every CPU's backtrace to the console, so a hang (two CPUs spinning
with interrupts off print nothing by themselves) leaves its cause in the
log. Prints one line saying whether the NMI was sent.
"""
import socket
import sys
import time


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: qemu-nmi.py SECONDS SOCKET")
    time.sleep(float(sys.argv[1]))
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(sys.argv[2])
            s.recv(4096)  # the monitor's banner and prompt
            s.sendall(b"nmi\n")
            s.recv(4096)
    except OSError as e:
        print(f"# vm-run: no end after {sys.argv[1]} s; NMI not sent: {e}")
        return
    print(f"# vm-run: no end after {sys.argv[1]} s: NMI sent to every vCPU "
          "(the guest's backtraces follow in the log)")


main()
