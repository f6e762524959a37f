# SPDX-License-Identifier: GPL-2.0
#
# A private apt configuration per Debian suite, for fetching packages of
# other suites (kernels.sh: other kernel lines; qemu.sh: a newer QEMU)
# without touching the system's apt sources. Sourced; the caller sets
# apt_root (the trees live in $apt_root/SUITE) and mirror, and has die().

# apt for SUITE, in its own tree.
papt() {
	local cmd=$1 t=$apt_root/$2

	shift 2
	"$cmd" -o Dir="$t" -o Dir::State::status="$t/var/lib/dpkg/status" \
		-o Dir::Etc::SourceList="$t/etc/apt/sources.list" \
		-o Dir::Etc::SourceParts="$t/etc/apt/sources.list.d" \
		-o Dir::Etc::Preferences="$t/etc/apt/preferences" \
		-o Dir::Etc::PreferencesParts="$t/etc/apt/preferences.d" \
		-o Dir::Cache="$t/var/cache/apt" -o Dir::State="$t/var/lib/apt" \
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root "$@"
}

# The tree for SUITE, its package lists no older than a day (REFRESH=1:
# fetched again).
apt_tree() {
	local suite=$1 t=$apt_root/$1

	if [ ! -f "$t/etc/apt/sources.list" ]; then
		mkdir -p "$t/etc/apt/sources.list.d" "$t/etc/apt/preferences.d" \
			"$t/var/lib/dpkg" "$t/var/cache/apt/archives/partial" \
			"$t/var/lib/apt/lists/partial" || die "cannot create $t"
		: > "$t/var/lib/dpkg/status"
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
			> "$t/etc/apt/sources.list"
	fi
	if [ -z "$(find "$t/var/lib/apt/lists" -name '*Packages*' -mmin -1440 2>/dev/null)" ] ||
	   [ "${REFRESH:-0}" = 1 ]; then
		papt apt-get "$suite" -q update > "$t/update.log" 2>&1 ||
			die "apt-get update for $suite failed: $(tail -n 3 "$t/update.log")"
	fi
}
