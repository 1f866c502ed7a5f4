// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_integrity - host tests of vtl1/src/{elf,modlayout,modreloc}.c.
 *
 * Usage: test_integrity [--modules ROOT] [--dump-layout FILE]
 * Without --modules only the synthetic tests run. Last line:
 * "N passed, N failed"; exit status 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

int main(int argc, char **argv)
{
	const char *root = NULL, *dump = NULL;
	int i;

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
	printf("%lu passed, %lu failed\n", t_passed, t_failed);
	return t_failed ? 1 : 0;
}
