// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_integrity - host tests of vtl1/src/{elf,modlayout,modreloc}.c.
 *
 * Usage: test_integrity [--modules ROOT] [--dump-layout FILE]
 * Without --modules only the synthetic tests run. Results through
 * ../../check.h (passing ones counted, not printed).
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

int main(int argc, char **argv)
{
	const char *root = NULL, *dump = NULL;
	int i;

	/* tens of thousands of checks: print failures and skips only */
	check_set_quiet(1);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--modules") && i + 1 < argc)
			root = argv[++i];
		else if (!strcmp(argv[i], "--dump-layout") && i + 1 < argc)
			dump = argv[++i];
	}
	test_elf();
	test_modlayout();
	test_modreloc();
	if (root)
		test_realmods(root, dump);
	return check_done();
}
