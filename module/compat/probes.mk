# SPDX-License-Identifier: GPL-2.0
#
# Compile-time feature probes, run by Kbuild against the kernel being built
# for: each module/compat/probes/NAME.c that compiles adds -DPF_HAVE_NAME
# (upper case). compat.h turns the missing features into shims, so the rest
# of the module never tests kernel versions.
#
# A probe fails only for the errors a missing API causes: warnings stay
# warnings (another kernel's headers with another compiler warn about
# things pfmod does not use), except those a changed API shows up as. And
# every probe is first compiled without the use it probes for
# (-DPF_PROBE_CONTROL): if that fails, the probe or the build is broken,
# and the build stops rather than take the fallback.

pf-probe-flags = $(KBUILD_CPPFLAGS) $(LINUXINCLUDE) $(KBUILD_CFLAGS) -DMODULE \
		 -DKBUILD_MODNAME='"pfmod_probe"' -DKBUILD_BASENAME='"probe"' \
		 -Werror=implicit-function-declaration -Werror=incompatible-pointer-types \
		 -Werror=int-conversion -Werror=implicit-int -Werror=return-type
pf-probe-cc = $(CC) $(pf-probe-flags) -fsyntax-only -x c
pf-probe-name = $(shell echo $(basename $(notdir $(1))) | tr a-z A-Z)
# pf-top: the project's top directory, for a Kbuild elsewhere that reads
# this file (selftests/bench/lookup).
pf-top ?= $(src)
pf-probes := $(sort $(wildcard $(pf-top)/module/compat/probes/*.c))
pf-probe = $(call try-run,$(pf-probe-cc) $(1),-DPF_HAVE_$(2))

# The controls, all in one compile (a compile costs the same with one
# probe's headers as with all of them); if that fails, one by one, to name
# the broken probe.
pf-probe-broken = $(foreach p,$(pf-probes),\
	$(if $(call try-run,$(pf-probe-cc) -DPF_PROBE_CONTROL $(p),y,),,$(p)))
pf-probe-controls = $(if $(call try-run,$(pf-probe-cc) -DPF_PROBE_CONTROL \
	$(addprefix -include ,$(pf-probes)) /dev/null,y,),,\
	$(error pfmod: compat probe(s) $(or $(strip $(pf-probe-broken)),together) do not compile even \
		without what they probe for: the probe or the build flags are broken))

# Kbuild reads this file for modpost and for clean too, where nothing is
# compiled (and the compiler's flags are not all there).
ifeq ($(filter __modpost __clean,$(.DEFAULT_GOAL)),)
ccflags-y += $(pf-probe-controls)$(foreach p,$(pf-probes),$(call pf-probe,$(p),$(call pf-probe-name,$(p))))
endif
