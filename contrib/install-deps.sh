#!/bin/sh
# SPDX-License-Identifier: MIT
# install-deps.sh - install the Debian 12 packages hook-run needs that are
# missing (and only those). Run as root, or as a user with sudo.
#
#   contrib/install-deps.sh          what building and running needs
#   contrib/install-deps.sh --test   also what the test suite needs
#   contrib/install-deps.sh --package   what building the Debian package needs
set -eu

build="gcc make autoconf automake pkg-config libgit2-dev libinih-dev libjansson-dev zlib1g-dev libdeflate-dev liblmdb-dev check"
# clang and libclang-rt-14-dev: the fuzz targets (libFuzzer, ASan, UBSan)
test_extra="git valgrind python3 python3-jsonschema libxml2-utils pre-commit xxd man-db groff-base bsdextrautils
	clang libclang-rt-14-dev"
# the Debian package test (test/package.sh): build, lintian, a clean root
package_extra="dpkg-dev debhelper lintian debootstrap fakeroot"

want=$build
[ "${1:-}" = "--test" ] && want="$build $test_extra $package_extra"
[ "${1:-}" = "--package" ] && want="$build $package_extra"

missing=
for p in $want; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $status in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	run=
elif command -v sudo >/dev/null 2>&1; then
	run=sudo
else
	echo "install-deps: need root or sudo to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$run apt-get update -qq
# shellcheck disable=SC2086
$run apt-get install -y -qq --no-install-recommends $missing
