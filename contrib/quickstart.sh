#!/bin/sh
# SPDX-License-Identifier: MIT
# quickstart.sh - from a fresh Debian 12 machine to a first audit: install
# what is missing, build hook-run (out of tree, in _build/), install it into
# /usr/local (as root or with sudo; otherwise say how to put it on PATH),
# audit a repository (default: the git repository around the current
# directory; else this checkout), and print the next steps.
#
#   sh contrib/quickstart.sh [REPOSITORY]
#
# The build's own output goes to _build/build.log; only errors are shown.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-}
if [ -z "$target" ]; then
	target=$(git rev-parse --show-toplevel 2>/dev/null || echo "$top")
fi

sh "$top/contrib/install-deps.sh"
cd "$top"
mkdir -p _build
log=$top/_build/build.log
: >"$log"
echo "quickstart: building hook-run (log: _build/build.log)"
if ! { [ -x configure ] || ./bootstrap; } >>"$log" 2>&1; then
	tail -20 "$log"
	echo "quickstart: ./bootstrap failed (see $log)" >&2
	exit 1
fi
cd _build
if ! { [ -f Makefile ] || ../configure -q; } >>"$log" 2>&1 ||
   ! make -s -j"$(nproc 2>/dev/null || echo 2)" V=0 >>"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -20
	echo "quickstart: the build failed (see $log)" >&2
	exit 1
fi

# leave hook-run usable: /usr/local/bin when we may, else a PATH line
installed=
if [ "$(id -u)" -eq 0 ]; then
	make -s install V=0 >>"$log" 2>&1 && installed=/usr/local/bin/hook-run
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo make -s install V=0 >>"$log" 2>&1 && installed=/usr/local/bin/hook-run
fi
if [ -n "$installed" ]; then
	echo "quickstart: installed $installed (man hook-run; bash completion too)"
	hr=$installed
else
	hr=$top/_build/hook-run
	echo "quickstart: built $hr; to use it from anywhere:"
	echo "    export PATH=\"$top/_build:\$PATH\""
fi

echo "quickstart: auditing $target"
cd "$target"
status=0
if git rev-parse --git-dir >/dev/null 2>&1; then
	"$hr" audit || status=$?
else
	"$hr" check . || status=$?
fi
cat <<EOF

Next steps:
  hook-run init                     in a repository: a .hook-run.ini fitted to it
  hook-run install                  in a repository: the pre-commit hook
  hook-run install --pre-receive    in a bare repository on a server
  hook-run fix                      add the safe fixes to the working tree
  hook-run explain CopyLinkMissing  what a rule checks and why
EOF
exit "$status"
