// SPDX-License-Identifier: MIT
/* Harness self-test: a crashing subtest reports CRASH and dies of its signal. */
#include <signal.h>

#include "igt.h"

igt_main
{
	igt_subtest("ok")
		igt_assert(true);
	igt_subtest("crash")
		raise(SIGSEGV);
	igt_subtest("never")
		igt_assert(true);
}
