/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_VERSION_H
#define PFMOD_VERSION_H

#define PFMOD_VERSION "0.2.0"

#endif /* PFMOD_VERSION_H */
