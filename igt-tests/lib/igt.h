/* SPDX-License-Identifier: MIT */
/*
 * igt.h - umbrella header of the IGT stand-in harness: the parts of real IGT's
 * igt.h that exist here.  Tests include only "igt.h" (plus the extra IGT
 * headers they need, e.g. "sw_sync.h"), so they build unchanged against IGT.
 */
#ifndef IGT_H
#define IGT_H

#include "drmtest.h"
#include "igt_core.h"
#include "igt_kms.h"
#include "ioctl_wrappers.h"

#endif /* IGT_H */
