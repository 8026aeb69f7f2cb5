#!/bin/bash
# SPDX-License-Identifier: MIT
# hook-run for GitHub Enterprise Server: a pre-receive hook script.
#
# Commit it (executable) to the repository that holds your pre-receive
# hooks, and create the hook in the enterprise settings with an environment
# that contains hook-run (Dockerfile.environment next to this file builds
# one). See README.md next to this file.
#
# GitHub Enterprise runs it in that environment's chroot with the push's
# quarantine in GIT_DIR / GIT_OBJECT_DIRECTORY / GIT_ALTERNATE_OBJECT_DIRECTORIES,
# and gives ALL pre-receive hooks of a repository 5 seconds together: keep
# [pre-receive] timeout below what the other hooks leave (hook-run.ini next
# to this file says 3). hook-run reads GITHUB_USER_LOGIN, GITHUB_REPO_NAME,
# GITHUB_USER_IP and GITHUB_VIA itself for its log.
#
# Web edits, merges made with the merge button and API pushes (GITHUB_VIA
# set) are checked like any push: a Dockerfile the web editor adds obeys the
# same policy, and the rejection shows in the web interface. To let them
# through unchecked instead, uncomment the lines below.
#case ${GITHUB_VIA:-} in
#"pull request merge button"|"pull request merge api"|merge) exit 0 ;;
#esac

# where hook-run is in the environment (else the first in PATH)
bin=${HOOK_RUN_BIN:-/usr/local/bin/hook-run}
# the policy, baked into the environment (else hook-run's defaults)
server_config=/etc/hook-run/hook-run.ini

[ -x "$bin" ] || bin=$(command -v hook-run) || {
	echo "hook-run: this pre-receive hook environment has no hook-run: push rejected; tell the administrator"
	exit 1
}
if [ -z "${HOOK_RUN_CONFIG:-}" ] && [ -f "$server_config" ]; then
	HOOK_RUN_CONFIG=$server_config
	export HOOK_RUN_CONFIG
fi
exec "$bin" pre-receive
