#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench.sh - run by `make bench` after vtl1's own benchmarks: the VM part
# (VTL calls per operation, insmod time with and without heki_vtl0).
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/bench-vm.sh "$@"
