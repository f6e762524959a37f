# SPDX-License-Identifier: GPL-2.0
#
# Compile-time feature probes, run by Kbuild against the kernel being built
# for: each module/compat/probes/NAME.c that compiles adds -DPF_HAVE_NAME
# (upper case). compat.h turns the missing features into shims, so the rest
# of the module never tests kernel versions.

pf-probe-flags = $(KBUILD_CPPFLAGS) $(LINUXINCLUDE) $(KBUILD_CFLAGS) -Werror -DMODULE \
		 -DKBUILD_MODNAME='"pfmod_probe"' -DKBUILD_BASENAME='"probe"'
pf-probe = $(call try-run,$(CC) $(pf-probe-flags) -fsyntax-only -x c $(1),-DPF_HAVE_$(2))
pf-probe-name = $(shell echo $(basename $(notdir $(1))) | tr a-z A-Z)

ccflags-y += $(foreach p,$(sort $(wildcard $(src)/module/compat/probes/*.c)),\
		$(call pf-probe,$(p),$(call pf-probe-name,$(p))))
