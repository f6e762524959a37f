#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scale-table.sh N: the restore file make bench-scale and make bench-count
# measure, N single-port TCP forwards on listen addresses (50,000 ports from
# 10000 on per address, 203.0.113.1 up) to 192.168.1.2:9000, in the order
# a save writes them back.
awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
	printf "tcp 203.0.%d.%d:%d 192.168.1.2:9000\n", 113 + int(i / 12500000),
		1 + int(i / 50000) % 250, 10000 + i % 50000 }'
