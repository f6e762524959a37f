#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a test that passes, but the kernel becomes tainted
# (TAINT_USER) without a word in its log.
echo 64 > /proc/sys/kernel/tainted
exit 0
