#!/bin/sh
# quickstart.sh - from a fresh Debian 12 machine to a first audit:
# install what is missing, build hook-run (out of tree, in _build/), then
# audit a repository (default: the git repository around the current
# directory; else this checkout).
#
#   sh contrib/quickstart.sh [REPOSITORY]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-}
if [ -z "$target" ]; then
	target=$(git rev-parse --show-toplevel 2>/dev/null || echo "$top")
fi

sh "$top/contrib/install-deps.sh"
cd "$top"
[ -x configure ] || ./bootstrap >/dev/null
mkdir -p _build
cd _build
[ -f Makefile ] || ../configure -q
make -s -j"$(nproc 2>/dev/null || echo 2)"

echo "quickstart: hook-run built at $top/_build/hook-run; auditing $target"
cd "$target"
if "$top/_build/hook-run" help audit >/dev/null 2>&1; then
	exec "$top/_build/hook-run" audit
fi
exec "$top/_build/hook-run" check .
