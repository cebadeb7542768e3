// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test helpers, compiled once more for the benchmark module: Kbuild does not let
 * one object belong to two modules.
 */
#include "phyr_test_util.c"
