/* SPDX-License-Identifier: MIT */
/*
 * test_verify.c - verification mode (verify.c) notices a wrong answer.
 *
 * Every git script runs with HOOK_RUN_VERIFY_OBJECTS=1, so each answer of
 * hook-run's snapshot readers is compared with libgit2's there; but the
 * readers agree with libgit2 on everything those scripts build, so the
 * scripts alone cannot show that a comparison would fail. Here each
 * hr_verify_*() is given the true answer (0) and a false one (HR_EGIT,
 * with a message naming both), on a real repository made with git.
 */
#include <git2.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "unit.h"
#include "git/git_internal.h"

static char repo_dir[PATH_MAX];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[8192];
	int off = snprintf(cmd, sizeof(cmd), "cd '%s' && { ", repo_dir);
	va_list ap;
	va_start(ap, fmt);
	off += vsnprintf(cmd + off, sizeof(cmd) - (size_t)off, fmt, ap);
	va_end(ap);
	snprintf(cmd + off, sizeof(cmd) - (size_t)off, "; } >/dev/null 2>&1");
	int st = system(cmd);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "failed: %s", cmd);
}

/* `git rev-parse SPEC` in the repository, as an id */
static git_oid rev(const char *spec)
{
	char cmd[PATH_MAX + 256], hex[64] = "";
	snprintf(cmd, sizeof(cmd), "cd '%s' && git rev-parse '%s'", repo_dir, spec);
	FILE *f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(hex, sizeof(hex), f));
	pclose(f);
	git_oid id;
	ck_assert_int_eq(git_oid_fromstrn(&id, hex, GIT_OID_HEXSZ), 0);
	return id;
}

static void setup(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(repo_dir, sizeof(repo_dir), "%s/hr-verify-XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(repo_dir));
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("HOME", repo_dir, 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	sh("git init -q -b main . && git config user.name t && git config user.email t@example.com && "
	   "mkdir app && printf 'FROM alpine\\n' >app/Dockerfile && git add . && git commit -q -m one && "
	   "printf 'FROM debian\\n' >app/Dockerfile && git add . && git commit -q -m two && "
	   "git tag -a -m v v1 HEAD");
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", repo_dir);
	ck_assert_int_eq(system(cmd), 0);
}

static hr_repo *open_repo(void)
{
	hr_repo *r = NULL;
	char err[256];
	ck_assert_msg(hr_repo_open(&r, repo_dir, err, sizeof(err)) == 0, "%s", err);
	return r;
}

/* a wrong answer: HR_EGIT, and git's error says the two disagree */
static void assert_differs(int rc)
{
	ck_assert_int_eq(rc, HR_EGIT);
	const git_error *e = git_error_last();
	ck_assert_ptr_nonnull(e);
	ck_assert_msg(strstr(e->message, "disagree") != NULL, "%s", e->message);
	git_error_clear();
}

START_TEST(objects_and_trees)
{
	hr_repo *r = open_repo();
	git_oid head = rev("HEAD"), parent = rev("HEAD~1"), tree = rev("HEAD^{tree}"),
		ptree = rev("HEAD~1^{tree}"), tag = rev("v1"), blob = rev("HEAD:app/Dockerfile"),
		app = rev("HEAD:app");

	ck_assert_int_eq(hr_verify_commit_tree(r, &head, &tree), 0);
	assert_differs(hr_verify_commit_tree(r, &head, &ptree));

	ck_assert_int_eq(hr_verify_treeish_tree(r, &tag, &tree, false), 0);
	ck_assert_int_eq(hr_verify_treeish_tree(r, &head, &tree, true), 0);
	assert_differs(hr_verify_treeish_tree(r, &head, &tree, false));
	assert_differs(hr_verify_treeish_tree(r, &head, &ptree, true));

	ck_assert_int_eq(hr_verify_peel(r, &tag, &head, GIT_OBJECT_COMMIT), 0);
	assert_differs(hr_verify_peel(r, &tag, &tag, GIT_OBJECT_TAG));
	assert_differs(hr_verify_peel(r, &tag, &head, GIT_OBJECT_TREE));

	hr_oid parents[2] = { *hr_oid_from_git(&parent), *hr_oid_from_git(&head) };
	ck_assert_int_eq(hr_verify_parents(r, hr_oid_from_git(&head), parents, 1, 16), 0);
	ck_assert_int_eq(hr_verify_parents(r, hr_oid_from_git(&parent), parents, 0, 16), 0);
	assert_differs(hr_verify_parents(r, hr_oid_from_git(&head), parents, 2, 16));
	assert_differs(hr_verify_parents(r, hr_oid_from_git(&head), parents + 1, 1, 16));

	ck_assert_int_eq(hr_verify_tree_entry(r, &tree, "app/Dockerfile", 1, 0100644, &blob), 0);
	ck_assert_int_eq(hr_verify_tree_entry(r, &tree, "app/", 1, 040000, &app), 0);
	ck_assert_int_eq(hr_verify_tree_entry(r, &tree, "app/nothing", 0, 0, NULL), 0);
	ck_assert_int_eq(hr_verify_tree_entry(r, &tree, "", 0, 0, NULL), 0);
	ck_assert_int_eq(hr_verify_tree_entry(r, &tree, "app//Dockerfile", 0, 0, NULL), 0);
	assert_differs(hr_verify_tree_entry(r, &tree, "app/Dockerfile", 0, 0, NULL));
	assert_differs(hr_verify_tree_entry(r, &tree, "app/nothing", 1, 0100644, &blob));
	assert_differs(hr_verify_tree_entry(r, &tree, "app/Dockerfile", 1, 0100755, &blob));
	assert_differs(hr_verify_tree_entry(r, &tree, "app/Dockerfile", 1, 0100644, &app));

	hr_rawtree t;
	ck_assert_int_eq(hr_rawtree_read(&t, r, hr_repo_packs(r), &tree), 0);
	ck_assert_int_eq(hr_verify_tree(r, &tree, &t), 0);
	assert_differs(hr_verify_tree(r, &app, &t)); /* the root's entries are not app's */
	hr_rawtree_free(&t);

	unsigned char head12[12] = "FROM debian\n";
	ck_assert_int_eq(hr_verify_blob_head(r, &blob, head12, 12, 4096), 0);
	ck_assert_int_eq(hr_verify_blob_head(r, &blob, head12, 4, 4), 0);
	assert_differs(hr_verify_blob_head(r, &blob, head12, 4, 4096));
	head12[0] = 'f';
	assert_differs(hr_verify_blob_head(r, &blob, head12, 12, 4096));

	ck_assert_int_eq(hr_verify_resolve(r, "HEAD", 1, &head), 0);
	ck_assert_int_eq(hr_verify_resolve(r, "main~1", 1, &parent), 0);
	ck_assert_int_eq(hr_verify_resolve(r, "no-such-branch", 0, NULL), 0);
	assert_differs(hr_verify_resolve(r, "HEAD", 1, &parent));
	assert_differs(hr_verify_resolve(r, "HEAD", 0, NULL));
	assert_differs(hr_verify_resolve(r, "no-such-branch", 1, &head));
	hr_repo_free(r);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("git");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, objects_and_trees);
	suite_add_tcase(s, tc);
	return s;
}
