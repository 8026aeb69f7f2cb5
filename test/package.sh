#!/bin/sh
# SPDX-License-Identifier: MIT
# package.sh - the Debian package, built and used as a Debian user would:
# `dpkg-buildpackage -us -uc -b` builds the .deb from this tree, lintian
# accepts it, and it installs into a clean Debian 12 root (debootstrap,
# minbase + git) where `hook-run version`, an audit and a real push through
# the installed server hook work.
#
#   sh test/package.sh [WORKDIR]      (TAP; needs root, debootstrap and a mirror)
#
# It is slow (a debootstrap), so test/run.sh runs it once, after `make
# check`; HOOK_RUN_NO_PACKAGE=1 skips it. Without root, debootstrap or a
# reachable mirror, it skips with the reason.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/hook-run-package.XXXXXX")}
mirror=${HOOK_RUN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; [ -f "$2" ] && sed 's/^/# /' "$2" | tail -40; }
skip_all() { echo "1..0 # SKIP $1"; exit 0; }

[ "$(id -u)" -eq 0 ] || skip_all "needs root (chroot)"
for t in dpkg-buildpackage dh debootstrap chroot; do
	command -v "$t" >/dev/null 2>&1 || skip_all "$t is not installed (contrib/install-deps.sh --package)"
done

cleanup() {
	for m in proc dev/pts dev; do
		umount "$work/root/$m" 2>/dev/null || true
	done
	[ -z "${1:-}" ] && rm -rf "$work"
}
trap cleanup EXIT

# 1. build the package from a copy of this tree (no build products in it)
mkdir -p "$work/src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$top" ls-files -z | (cd "$top" && xargs -0 cp --parents -t "$work/src")
else
	cp -a "$top/." "$work/src/" && rm -rf "$work/src/_build"
fi
if (cd "$work/src" && ./bootstrap >/dev/null 2>&1 &&
    DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b builds the package"
else
	not_ok "dpkg-buildpackage -us -uc -b builds the package" "$work/build.log"
	echo "1..$n"
	exit 1
fi
deb=$(ls "$work"/hook-run_*.deb | head -1)
if command -v lintian >/dev/null 2>&1; then
	if lintian --allow-root --fail-on error "$deb" >"$work/lintian.log" 2>&1; then
		ok "lintian accepts it (no errors)"
	else
		not_ok "lintian accepts it (no errors)" "$work/lintian.log"
	fi
fi
if dpkg-deb -c "$deb" >"$work/contents" && grep -q ' ./usr/bin/hook-run$' "$work/contents" &&
   grep -q 'man1/hook-run.1.gz$' "$work/contents" && grep -q 'completions/hook-run$' "$work/contents" &&
   grep -q 'examples/hook-run.ini.example$' "$work/contents" &&
   grep -q ' ./lib/systemd/system/hook-run.service$' "$work/contents" &&
   grep -q ' ./lib/systemd/system/hook-run.socket$' "$work/contents"; then
	ok "it holds the binary, the man page, the completion, the example config and the daemon's units"
else
	not_ok "it holds the binary, the man page, the completion, the example config and the daemon's units" \
		"$work/contents"
fi

# 2. a clean Debian 12 root with git, and the package installed with apt
if ! debootstrap --variant=minbase --include=git,ca-certificates bookworm "$work/root" "$mirror" \
	>"$work/debootstrap.log" 2>&1; then
	n=$((n + 1))
	echo "ok $n - install into a clean Debian 12 root # SKIP debootstrap failed (no mirror reachable?)"
	echo "1..$n"
	exit 0
fi
mount -t proc proc "$work/root/proc" 2>/dev/null || true
cp /etc/resolv.conf "$work/root/etc/resolv.conf" 2>/dev/null || true
cp "$deb" "$work/root/tmp/hook-run.deb"
if chroot "$work/root" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /tmp/hook-run.deb' \
	>"$work/install.log" 2>&1; then
	ok "apt installs the .deb into a clean Debian 12 root"
else
	not_ok "apt installs the .deb into a clean Debian 12 root" "$work/install.log"
	echo "1..$n"
	exit 1
fi

# 3. used there: version, an audit, a push through the installed server hook
in_root() { chroot "$work/root" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
	GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.com GIT_COMMITTER_NAME=C GIT_COMMITTER_EMAIL=c@example.com \
	sh -c "$1"; }
if in_root 'hook-run --version && hook-run version --format json &&
	grep "^ExecStart=/usr/bin/hook-run serve " /lib/systemd/system/hook-run.service' >"$work/version.log" 2>&1 &&
   grep -q '^hook-run ' "$work/version.log"; then
	ok "hook-run --version runs from /usr/bin"
else
	not_ok "hook-run --version runs from /usr/bin" "$work/version.log"
fi
in_root 'set -e; rm -rf /srv/t; mkdir -p /srv/t; cd /srv/t; git init -q -b main r; cd r
	printf "FROM alpine:3.20\nCOPY a /srv/\n" >Dockerfile; git add Dockerfile; git commit -q -m one
	hook-run audit; echo "audit exit $?"' >"$work/audit.log" 2>&1
if grep -q 'CopyLinkMissing' "$work/audit.log" && grep -q 'audit exit 1' "$work/audit.log" ||
   { grep -q 'CopyLinkMissing' "$work/audit.log" && ! grep -q 'audit exit 0' "$work/audit.log"; }; then
	ok "an audit of a repository reports the finding"
else
	not_ok "an audit of a repository reports the finding" "$work/audit.log"
fi
in_root 'cd /srv/t; git init -q --bare srv.git; (cd srv.git && hook-run install --pre-receive >/dev/null)
	cd r; git remote add origin ../srv.git
	if git push origin main 2>&1; then echo "push exit 0"; else echo "push refused"; fi
	printf "# syntax=docker/dockerfile:1\n\nFROM alpine:3.20\nCOPY --link a /srv/\n" >Dockerfile
	git commit -q -a --amend -m fixed
	if git push origin main 2>&1; then echo "good push accepted"; fi' >"$work/push.log" 2>&1
if grep -q '^remote: .*CopyLinkMissing' "$work/push.log" && grep -q 'push refused' "$work/push.log" &&
   grep -q 'good push accepted' "$work/push.log"; then
	ok "a push through the installed server hook: refused with remote: lines, then accepted"
else
	not_ok "a push through the installed server hook: refused with remote: lines, then accepted" "$work/push.log"
fi
echo "1..$n"
[ "$failed" -eq 0 ]
