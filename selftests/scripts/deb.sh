#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make deb`: the Debian packages pfmod-dkms (the module's sources for DKMS)
# and pfctl (the tool, its manual page and bash completion, pfmod.service,
# /etc/pfmod/forwards.conf), built with debhelper from a copy of this tree
# and its dist/debian, checked by lintian (no errors), left at the top of
# the tree. The version is module/version.h's.

set -eu
cd "$(dirname "$0")/../.."
ver=$(sed -n 's/^#define PFMOD_VERSION "\(.*\)"/\1/p' module/version.h)
[ -n "$ver" ] || { echo "deb.sh: no version in module/version.h" >&2; exit 1; }
for tool in dpkg-buildpackage dh dh_dkms lintian; do
	command -v "$tool" >/dev/null || { echo "deb.sh: $tool missing (make deps)" >&2; exit 1; }
done
out=build/deb
dir=$out/pfmod-$ver
rm -rf "$out" && mkdir -p "$dir"
git ls-files --cached --others --exclude-standard | grep -v '^build/\|^bench/' |
	tar -cf - -T - | tar -xf - -C "$dir"
cp -r dist/debian "$dir/debian"
cat > "$dir/debian/changelog" <<EOF2
pfmod ($ver) unstable; urgency=medium

  * pfmod $ver, built from its source tree.

 -- pfmod developers <pfmod@example.org>  $(date -R)
EOF2
echo "deb.sh: building pfmod $ver (log: $out/build.log)"
(cd "$dir" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log" >&2; exit 1; }
echo "deb.sh: lintian"
lintian --fail-on error --tag-display-limit 0 "$out"/pfmod_"$ver"_*.changes | tee "$out/lintian.log"
rm -f pfmod-dkms_*.deb pfctl_*.deb
cp "$out"/pfmod-dkms_"$ver"_all.deb "$out"/pfctl_"$ver"_*.deb .
ls -1 pfmod-dkms_"$ver"_all.deb pfctl_"$ver"_*.deb
