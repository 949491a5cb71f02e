#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/package.sh: the Debian package. Builds it with
# dpkg-buildpackage from a copy of the tracked files (so nothing is written
# beside the repository), has lintian fail on any error, unpacks it into a
# throwaway root, checks what it holds and runs the bridge from there.
set -u
cd "$(dirname "$0")/../.."
for tool in dpkg-buildpackage lintian dh git; do
	if ! command -v "$tool" >/dev/null; then
		echo "FAIL: package: $tool is missing (scripts/deps.sh installs it)"
		exit 1
	fi
done
T=$(mktemp -d /tmp/kb-package.XXXXXX)
trap 'rm -rf "$T"' EXIT
KB_PREFIX="package: "
. tests/lib/kbtest.sh	# pass, fail; KB_FAILS counts

mkdir -p "$T/src"
git ls-files -z --cached --others --exclude-standard |
    tar --null -T - -cf - | tar -xf - -C "$T/src"
if (cd "$T/src" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1; then
	pass "dpkg-buildpackage -us -uc -b builds it"
else
	fail "dpkg-buildpackage" "$(tail -5 "$T/build.log")"
	exit 1
fi
deb=$(ls "$T"/kgdb-bridge_*.deb)
if lintian --fail-on error "$deb" >"$T/lintian.log" 2>&1; then
	pass "lintian finds no error"
else
	fail "lintian" "$(grep -E '^E:' "$T/lintian.log" | head -5)"
fi
dpkg-deb -c "$deb" | awk '{ print $6 }' >"$T/contents"
missing=
for f in ./usr/bin/kgdb-bridge ./usr/bin/kgdb-tui \
    ./usr/share/man/man1/kgdb-bridge.1.gz ./usr/share/man/man1/kgdb-tui.1.gz \
    ./lib/systemd/system/kgdb-bridge@.service \
    ./lib/udev/rules.d/60-kgdb-bridge.rules \
    ./usr/share/bash-completion/completions/kgdb-bridge \
    ./usr/share/doc/kgdb-bridge/copyright \
    ./usr/share/doc/kgdb-bridge/troubleshooting.md.gz; do
	grep -qx -- "$f" "$T/contents" || missing="$missing $f"
done
[ -z "$missing" ] && pass "it holds the programs, man pages, unit, udev rule, completion and docs" ||
	fail "contents" "missing$missing"
dpkg-deb -x "$deb" "$T/root"
v=$("$T/root/usr/bin/kgdb-bridge" --version 2>&1)
want=$(dpkg-parsechangelog -l debian/changelog -S Version)
case $v in
"kgdb-bridge $want "*) pass "the packaged kgdb-bridge runs: $v" ;;
*) fail "--version" "'$v', the package is $want" ;;
esac
grep -q '^ExecStart=/usr/bin/kgdb-bridge ' "$T/root/lib/systemd/system/kgdb-bridge@.service" &&
	pass "the packaged unit runs /usr/bin/kgdb-bridge" ||
	fail "unit ExecStart" "$(grep ExecStart "$T/root/lib/systemd/system/kgdb-bridge@.service")"
[ $KB_FAILS -eq 0 ]
