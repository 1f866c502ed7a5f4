// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * main.c - build/host/vtl1_tests: every TEST() of vtl1/tests/<subsystem>/
 * t_*.c. Optional argument: run only the tests whose name contains it.
 */
#include "check.h"

int main(int argc, char **argv)
{
	return check_run_tests(argc > 1 ? argv[1] : NULL);
}
