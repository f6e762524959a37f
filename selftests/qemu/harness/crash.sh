#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: the guest dies under the test.
echo c > /proc/sysrq-trigger
sleep 30
