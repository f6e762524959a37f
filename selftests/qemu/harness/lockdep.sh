#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: a test that "passes" while lockdep reports an AB-BA.
insmod "$PFMOD_FAULT_KO" fault=lockdep && rmmod pfmod_fault
exit 0
