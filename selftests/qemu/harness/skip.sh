#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a test that asks to be skipped; a run of nothing else
# tested nothing and must fail.
source "$(dirname "$0")/../../lib.sh"
skip "deliberately"
