#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a test that never ends.
# timeout=5
sleep 1000
