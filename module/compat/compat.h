/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels pfmod builds against, each behind a
 * switch named after the feature (see probes.mk), never a version number.
 * Force-included into every file of the module.
 */
#ifndef PFMOD_COMPAT_H
#define PFMOD_COMPAT_H

#endif /* PFMOD_COMPAT_H */
