#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a test that reports a failed check and then exits as
# skipped (4). The runner must count it as failed. (lib.sh's skip() refuses
# to do this; a test may still, by hand.)
echo "FAIL: a deliberately failed check"
exit 4
