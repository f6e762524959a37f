# SPDX-License-Identifier: GPL-2.0
#
# pfmod: `make` builds pfmod.ko here and userspace-tool/pfctl.
#
#   make [KERNELRELEASE=x.y.z] [KDIR=/path/to/kernel/build]
#   make check        unit tests, then the selftests in a QEMU guest
#   make check-debug  the selftests on a KASAN/lockdep/kmemleak kernel
#   make demo         the README's example forward, live in a QEMU guest
#   make bench        pfmod against iptables and nftables (bench/results/)
#   make deps         install what building and testing need (Debian 12)
#   make style        checkpatch.pl --strict over module/ and uapi/
#   make install      module (+ depmod), pfctl and its man page
#   make dkms-install register, build and install the module with DKMS

KERNELRELEASE ?= $(shell uname -r)
ifeq ($(origin KDIR),undefined)
KDIR := /lib/modules/$(KERNELRELEASE)/build
ifeq ($(wildcard $(KDIR)/Makefile),)
ifeq ($(origin KERNELRELEASE),file)
# No headers for the running kernel (a container, a VM host kernel): build
# against the newest installed Debian headers instead, and say so.
KDIR := $(lastword $(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V))
KERNELRELEASE := $(notdir $(patsubst %/,%,$(dir $(KDIR))))
$(if $(KDIR),$(info pfmod: no headers for the running kernel $(shell uname -r); building for $(KERNELRELEASE) ($(realpath $(KDIR)))))
endif
endif
endif

PREFIX ?= /usr/local
DESTDIR ?=
DEPMOD ?= depmod
PFMOD_VERSION := $(shell sed -n 's/^\#define PFMOD_VERSION "\(.*\)"/\1/p' module/version.h)

all: module tool

module:
	@test -f "$(KDIR)/Makefile" || { echo "pfmod: no kernel headers in '$(KDIR)' (install linux-headers-$(KERNELRELEASE), or run 'make deps')" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

debug:
	$(MAKE) -C $(KDIR) M=$(CURDIR) PFMOD_DEBUG=y modules

tool:
	$(MAKE) -C userspace-tool

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || rm -f pfmod.ko *.o module/*.o
	$(MAKE) -C userspace-tool clean
	rm -rf build

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra modules_install
	$(DEPMOD) -a $(KERNELRELEASE)
	$(MAKE) -C userspace-tool install

dkms-install:
	@command -v dkms >/dev/null || { echo "pfmod: dkms is not installed" >&2; exit 1; }
	rm -rf $(DESTDIR)/usr/src/pfmod-$(PFMOD_VERSION)
	mkdir -p $(DESTDIR)/usr/src/pfmod-$(PFMOD_VERSION)
	cp -r Kbuild dkms.conf module uapi $(DESTDIR)/usr/src/pfmod-$(PFMOD_VERSION)/
	dkms install pfmod/$(PFMOD_VERSION) -k $(KERNELRELEASE)

deps:
	selftests/scripts/deps.sh install

check:
	KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/scripts/check.sh

check-debug:
	selftests/scripts/check-debug.sh

demo:
	KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/scripts/demo.sh

style:
	@selftests/scripts/style.sh

bench:
	KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/bench/run.sh

.PHONY: all module debug tool clean install dkms-install deps check check-debug demo style bench
