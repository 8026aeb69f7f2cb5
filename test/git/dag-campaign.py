#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""dag-campaign.py - the new commits of a push, compared on random histories.

    python3 test/git/dag-campaign.py HOOK_RUN [COUNT [FIRST_SEED [MAX_COMMITS]]]

A long campaign, not part of `make check` (as fuzz/campaign.sh is not):
COUNT (default 500) random histories, from seed FIRST_SEED (default 1) on,
of 3 to MAX_COMMITS (default 25) commits made with `git commit-tree`:
random parents (up to three), random committer dates (so clock skew across
merges), a few hidden refs and one to three pushed tips. Each is pushed to
`hook-run pre-receive --stats` in verification mode (HOOK_RUN_VERIFY_OBJECTS=1:
libgit2's revwalk lists the new commits too, and a difference is exit 3)
and the commits it walked are compared with the exact answer: the commits
reachable from the tips minus those reachable from the hidden refs, from
two full `git rev-list`s (no stopping heuristic). `git rev-list TIPS --not
--all` is printed beside it: git stops walking by date (SLOP), so under
skew it can be wrong too. A history that differs is kept in its directory
and printed with its seed; the exit code is the number of them (at most
100), 0 when none.

Why: the listing (src/lib/git/walk.c, step 2) stops as git does, on a
heuristic; this is how two crashes and a dozen wrong stops were found.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile


def run(args, cwd, stdin=None, env=None):
    return subprocess.run(args, cwd=cwd, input=stdin, capture_output=True, text=True, env=env)


def one(hook_run, seed, max_commits, top):
    rnd = random.Random(seed)
    d = os.path.join(top, "dag%d" % seed)
    os.makedirs(d)
    run(["git", "init", "-q", "--bare", "srv.git"], d)
    env = dict(os.environ, GIT_DIR=os.path.join(d, "srv.git"), GIT_AUTHOR_NAME="a", GIT_AUTHOR_EMAIL="a@b",
               GIT_COMMITTER_NAME="a", GIT_COMMITTER_EMAIL="a@b")
    blob = run(["git", "hash-object", "-w", "--stdin"], d, "FROM scratch\n", env).stdout.strip()
    commits = []
    for i in range(rnd.randint(3, max_commits)):
        tree = run(["git", "mktree"], d, "100644 blob %s\tf%d\n100644 blob %s\tDockerfile\n" % (blob, i, blob),
                   env).stdout.strip()
        parents = []
        if commits:
            k = rnd.choice([1, 1, 1, 2, 3]) if len(commits) > 1 else 1
            parents = rnd.sample(commits, min(k, len(commits)))
        date = "%d +0000" % (1000000000 + rnd.randint(0, 100000))
        args = ["git", "commit-tree", tree, "-m", "c%d" % i]
        for p in parents:
            args += ["-p", p]
        commits.append(run(args, d, None, dict(env, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)).stdout.strip())
    hidden = rnd.sample(commits, rnd.randint(0, min(4, len(commits))))
    for j, h in enumerate(hidden):
        run(["git", "update-ref", "refs/heads/h%d" % j, h], d, None, env)
    tips = rnd.sample(commits, rnd.randint(1, min(3, len(commits))))
    lines = "".join("%s %s refs/heads/new%d\n" % ("0" * 40, t, j) for j, t in enumerate(tips))
    pos = set(run(["git", "rev-list"] + tips, d, None, env).stdout.split())
    neg = set(run(["git", "rev-list", "--all"], d, None, env).stdout.split()) if hidden else set()
    exact = len(pos - neg)
    git_says = run(["git", "rev-list", "--count"] + tips + ["--not", "--all"], d, None, env).stdout.strip()
    hook_env = dict(os.environ, HOOK_RUN_VERIFY_OBJECTS="1")
    hook_env.pop("GIT_DIR", None)
    config = os.path.join(d, "hook-run.ini")
    with open(config, "w") as f:
        f.write("[pre-receive]\ntimeout = 0\n")
    hook_env["HOOK_RUN_CONFIG"] = config
    r = run([hook_run, "pre-receive", "--stats"], os.path.join(d, "srv.git"), lines, hook_env)
    walked = None
    for line in r.stderr.splitlines():
        if "stats: " in line:
            walked = line.split("stats: ")[1].split(" ")[0]
    if r.returncode in (0, 1) and walked == str(exact):
        shutil.rmtree(d)
        return True
    print("seed %d: exit %d, walked %s, exact %d, git rev-list %s; kept in %s" %
          (seed, r.returncode, walked, exact, git_says, d))
    for line in r.stderr.splitlines()[-3:]:
        print("    " + line)
    return False


def main():
    if len(sys.argv) < 2:
        print(__doc__.splitlines()[2].strip(), file=sys.stderr)
        return 2
    hook_run = os.path.abspath(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    first = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    max_commits = int(sys.argv[4]) if len(sys.argv) > 4 else 25
    top = tempfile.mkdtemp(prefix="hook-run-dags.")
    bad = sum(0 if one(hook_run, seed, max_commits, top) else 1 for seed in range(first, first + count))
    print("dag-campaign: %d of %d histories differ" % (bad, count))
    if not bad:
        shutil.rmtree(top)
    return min(bad, 100)


if __name__ == "__main__":
    sys.exit(main())
