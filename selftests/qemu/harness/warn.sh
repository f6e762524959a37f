#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a test that "passes" while the kernel warns.
insmod "$PFMOD_FAULT_KO" fault=warn && rmmod pfmod_fault
exit 0
