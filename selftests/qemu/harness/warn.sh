#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a test that "passes" while the kernel warns.
insmod "$(dirname "$0")/pfmod_splat.ko"
exit 0
