# SPDX-License-Identifier: GPL-2.0
#
# pfmod: `make` builds pfmod.ko here and userspace-tool/pfctl.
#
#   make [KERNELRELEASE=x.y.z] [KDIR=/path/to/kernel/build] [KVER=LINE]
#   make check        unit tests, then the selftests in a QEMU guest
#   make check-kernels  the whole suite on every Debian kernel line in turn
#   make check-debug  the selftests on a KASAN/lockdep/kmemleak kernel
#   make check-mutants  deliberate faults, each of which a test must catch
#   make check-system  the packages installed in a guest, then a systemd boot
#   make demo         the README's example forward, live in a QEMU guest
#   make bench        pfmod against iptables and nftables (bench/results/)
#   make bench-limits  what limits cost a forward without any
#   make bench-lookup  pfmod's lookup in ns, every table shape, 1 to 1M forwards
#   make bench-scale   restore, save, delete and memory of 100k and 1M forwards
#   make bench-count   a restore's and a save's guest instructions per forward,
#                     by function (counted by QEMU: the same every run);
#                     COUNT_SHAPE=from, range or mixed: make bench's other shapes;
#                     COUNT_ORDER=random: its lines shuffled; COUNT_TIME=1: host
#                     time instead of instructions
#   make bench-lookup-count  pfmod's lookup in guest instructions, every table
#                     shape, 1 to 1M forwards (counted by QEMU)
#   make bench-conn-count  a new connection's guest instructions through each
#                     of make bench's paths at K = 1, by function
#   make bench-conn-time  the same connections in host time, by function
#                     (where the emulated guest's time goes)
#   make deps         install what building and testing need (Debian 12, and
#                     bookworm-backports' QEMU for the guests)
#   make style        checkpatch.pl --strict over module/ and uapi/
#   make sparse       the kernel's static checker over module/ (byte order, RCU)
#   make load         insmod pfmod.ko here, after the modules it needs
#   make install      module (+ depmod), pfctl and its man page
#   make dkms-install register, build and install the module with DKMS
#   make deb          Debian packages pfmod-dkms and pfctl, at the top

# KVER=5.10, 6.1, 6.12 or 7: build for (and with make check, boot) that
# Debian kernel line, fetched into ~/.cache/pfmod/kernels by
# selftests/scripts/kernels.sh. KMAKEFLAGS: what building for it takes on
# this machine (the compiler, and overrides for newer compilers' options).
ifneq ($(KVER),)
ifneq ($(shell selftests/scripts/kernels.sh fetch -b $(KVER) >/dev/null && echo ok),ok)
$(error pfmod: cannot fetch the $(KVER) kernel line)
endif
KDIR := $(shell selftests/scripts/kernels.sh get $(KVER) KDIR)
KERNELRELEASE := $(shell selftests/scripts/kernels.sh get $(KVER) RELEASE)
KMAKEFLAGS := $(shell selftests/scripts/kernels.sh get $(KVER) MAKEFLAGS)
endif
export KMAKEFLAGS

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
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KMAKEFLAGS) modules

debug:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KMAKEFLAGS) PFMOD_DEBUG=y modules

tool:
	$(MAKE) -C userspace-tool

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || rm -f pfmod.ko *.o module/*.o
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/bench/lookup clean 2>/dev/null || \
		rm -f selftests/bench/lookup/*.o selftests/bench/lookup/*.ko
	$(MAKE) -C userspace-tool clean
	rm -rf build

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra modules_install
	$(DEPMOD) -a $(KERNELRELEASE)
	$(MAKE) -C userspace-tool install

# insmod loads nothing a module needs: load what modinfo says it depends on.
load: module
	@test "$$(id -u)" = 0 || { echo "pfmod: make load needs root" >&2; exit 1; }
	modprobe -a $$(modinfo -F depends pfmod.ko | tr , ' ')
	insmod pfmod.ko

dkms-install:
	@command -v dkms >/dev/null || { echo "pfmod: dkms is not installed" >&2; exit 1; }
	rm -rf $(DESTDIR)/usr/src/pfmod-$(PFMOD_VERSION)
	mkdir -p $(DESTDIR)/usr/src/pfmod-$(PFMOD_VERSION)
	cp -r Kbuild dkms.conf module uapi $(DESTDIR)/usr/src/pfmod-$(PFMOD_VERSION)/
	dkms install pfmod/$(PFMOD_VERSION) -k $(KERNELRELEASE)

deb:
	selftests/scripts/deb.sh

deps:
	selftests/scripts/deps.sh install
	selftests/scripts/qemu.sh fetch > /dev/null

check:
	KVER="$(KVER)" KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/scripts/check.sh

check-kernels:
	selftests/scripts/check-kernels.sh

check-debug:
	selftests/scripts/check-debug.sh

check-mutants:
	KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/scripts/mutants.sh

check-system:
	KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/scripts/system.sh

demo:
	KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/scripts/demo.sh

style:
	@selftests/scripts/style.sh

sparse:
	@KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/scripts/sparse.sh

bench:
	KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/bench/run.sh

bench-limits:
	KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/bench/limits-cost.sh

bench-lookup:
	KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/bench/lookup-cost.sh

bench-scale:
	KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/bench/scale.sh

bench-count:
	KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/bench/count.sh

bench-lookup-count:
	KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/bench/lookup-count.sh

bench-conn-count:
	KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/bench/conn-count.sh

bench-conn-time:
	CONNCOUNT_TIME=1 KDIR="$(KDIR)" KERNELRELEASE="$(KERNELRELEASE)" selftests/bench/conn-count.sh

.PHONY: all module debug tool clean load install dkms-install deb deps check check-kernels check-debug check-mutants check-system demo style sparse bench bench-limits bench-lookup bench-scale bench-count bench-lookup-count bench-conn-count bench-conn-time
