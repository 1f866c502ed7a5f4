// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * main.c - build/host/vtl1_tests: every TEST() of vtl1/tests/<subsystem>/
 * t_*.c. Optional argument: run only the tests whose name contains it.
 * The oracle (oracle.h) checks every call; a violation fails the test.
 */
#include "check.h"
#include "oracle.h"

static void oracle_failed(const char *msg)
{
	check_fail("oracle", 0, "%s", msg);
}

int main(int argc, char **argv)
{
	oracle_fail_handler = oracle_failed;
	return check_run_tests(argc > 1 ? argv[1] : NULL);
}
