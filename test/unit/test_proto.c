/* SPDX-License-Identifier: MIT */
/*
 * test_proto.c - the daemon's wire protocol on strings: pkt-line headers,
 * messages cut at their flush, the handshake, requests and answers, and
 * what each refuses (proto.c).
 */
#include <stdlib.h>

#include "unit.h"
#include "hook-run/proto.h"

static const struct { const char *bytes; int rc; size_t consumed; hr_pkt_type type; } headers[] = {
	{ "0000", 1, 4, HR_PKT_FLUSH },
	{ "0001", 1, 4, HR_PKT_DELIM },
	{ "0005a", 1, 5, HR_PKT_DATA },
	{ "0004", 1, 4, HR_PKT_DATA },     /* an empty data line */
	{ "0006a", 0, 0, 0 },              /* not whole yet */
	{ "000", 0, 0, 0 },
	{ "0002", HR_EINVALID, 0, 0 },     /* reserved lengths */
	{ "0003", HR_EINVALID, 0, 0 },
	{ "zzzz", HR_EINVALID, 0, 0 },
	{ "fff1", HR_EINVALID, 0, 0 },     /* over 65520 */
	{ "00A5", 0, 0, 0 },               /* upper-case hex is hex */
};

START_TEST(pkt_headers)
{
	hr_pkt_type type = 0;
	const unsigned char *payload;
	size_t plen, used = 0;
	const char *b = headers[_i].bytes;
	int rc = hr_pkt_parse((const unsigned char *)b, strlen(b), &type, &payload, &plen, &used);
	ck_assert_int_eq(rc, headers[_i].rc);
	if (rc == 1) {
		ck_assert_uint_eq(used, headers[_i].consumed);
		ck_assert_int_eq(type, headers[_i].type);
	}
}
END_TEST

static int split(hr_message *m, const char *bytes, size_t len)
{
	char err[256];
	unsigned char *copy = malloc(len ? len : 1);
	memcpy(copy, bytes, len);
	return hr_message_split(m, copy, len, err, sizeof(err));
}

START_TEST(messages_end_at_their_flush)
{
	hr_message m;
	ck_assert_int_eq(split(&m, "0006hi00000000", 14), HR_EINVALID);   /* bytes after the flush */
	ck_assert_int_eq(split(&m, "0006hi", 6), HR_EINVALID);             /* no flush */
	ck_assert_int_eq(split(&m, "0006hi00010009hello0000", 23), 0);
	ck_assert_uint_eq(m.npkts, 3);
	ck_assert_int_eq(m.pkts[1].type, HR_PKT_DELIM);
	hr_message_free(&m);
}
END_TEST

START_TEST(request_round_trip)
{
	char *env[] = { "GIT_DIR=.", "GL_ID=user-1", NULL };
	hr_proto_request r = {
		.cwd = "/srv/git/a.git", .config = "/etc/hook-run/hook-run.ini", .env = env, .nenv = 2,
		.format = HR_FORMAT_JSON, .quiet = true, .used = 0.25, .deadline_ms = 5000,
		.input = (unsigned char *)"old new refs/heads/main\n", .input_len = 24,
	};
	hr_proto_request back;
	hr_bytes b = { 0 };
	hr_message m;
	char err[256];
	strcpy(r.command, "pre-receive");
	ck_assert_int_eq(hr_proto_request_encode(&b, &r), 0);
	ck_assert_int_eq(split(&m, (const char *)b.data, b.len), 0);
	ck_assert_int_eq(hr_proto_request_parse(&back, &m, err, sizeof(err)), 0);
	ck_assert_str_eq(back.command, "pre-receive");
	ck_assert_str_eq(back.cwd, "/srv/git/a.git");
	ck_assert_str_eq(back.config, "/etc/hook-run/hook-run.ini");
	ck_assert_uint_eq(back.nenv, 2);
	ck_assert_str_eq(back.env[1], "GL_ID=user-1");
	ck_assert_ptr_null(back.env[2]);
	ck_assert_int_eq(back.format, HR_FORMAT_JSON);
	ck_assert(back.quiet && !back.color);
	ck_assert_uint_eq(back.deadline_ms, 5000);
	ck_assert_uint_eq(back.input_len, 24);
	ck_assert_mem_eq(back.input, "old new refs/heads/main\n", 24);
	hr_proto_request_free(&back);
	hr_message_free(&m);
	hr_bytes_free(&b);
}
END_TEST

/* request bodies (lines before the delim, each "\n"-terminated) that are refused */
static const struct { const char *line; const char *why; } bad_requests[] = {
	{ "command=pre-receive\nbogus=1\n", "unknown key" },
	{ "format=text\n", "no command" },
	{ "command=pre-receive\ncwd=relative\n", "bad value for 'cwd'" },
	{ "command=pre-receive\ncolor=yes\n", "bad value for 'color'" },
	{ "command=pre-receive\nenv 1BAD=x\n", "malformed variable" },
	{ "command=pre-receive\nenv NOVALUE\n", "malformed variable" },
	{ "command=pre-receive\ndeadline-ms=-1\n", "bad value for 'deadline-ms'" },
	{ "command=pre-receive\nused=nan\n", "bad value for 'used'" },
	{ "command=pre-receive\nno equals sign\n", "expected key=value" },
};

START_TEST(requests_refused)
{
	hr_bytes b = { 0 };
	hr_message m;
	hr_proto_request r;
	char err[256] = "";
	const char *p = bad_requests[_i].line;
	while (*p) {
		const char *nl = strchr(p, '\n');
		hr_pkt_add(&b, p, (size_t)(nl - p) + 1);
		p = nl + 1;
	}
	hr_pkt_add_delim(&b);
	hr_pkt_add_flush(&b);
	ck_assert_int_eq(split(&m, (const char *)b.data, b.len), 0);
	ck_assert_int_eq(hr_proto_request_parse(&r, &m, err, sizeof(err)), HR_EINVALID);
	ck_assert_msg(strstr(err, bad_requests[_i].why), "'%s' not in '%s'", bad_requests[_i].why, err);
	hr_message_free(&m);
	hr_bytes_free(&b);
}
END_TEST

START_TEST(request_bounds_and_input_part)
{
	hr_bytes b = { 0 };
	hr_message m;
	hr_proto_request r;
	char err[256], line[64];
	hr_pkt_addf(&b, "command=pre-receive");
	for (int i = 0; i <= HR_PROTO_MAX_ENV; i++) {
		snprintf(line, sizeof(line), "env V%d=x", i);
		hr_pkt_addf(&b, "%s", line);
	}
	hr_pkt_add_delim(&b);
	hr_pkt_add_flush(&b);
	ck_assert_int_eq(split(&m, (const char *)b.data, b.len), 0);
	ck_assert_int_eq(hr_proto_request_parse(&r, &m, err, sizeof(err)), HR_EINVALID);
	ck_assert_ptr_nonnull(strstr(err, "more than 512 variables"));
	hr_message_free(&m);
	b.len = 0;
	hr_pkt_addf(&b, "command=status");
	hr_pkt_add_flush(&b);
	ck_assert_int_eq(split(&m, (const char *)b.data, b.len), 0);
	ck_assert_int_eq(hr_proto_request_parse(&r, &m, err, sizeof(err)), HR_EINVALID);
	ck_assert_ptr_nonnull(strstr(err, "no input part"));
	hr_message_free(&m);
	hr_bytes_free(&b);
}
END_TEST

START_TEST(answers)
{
	unsigned char pieces[] = { 1, 0, 0, 0, 3, 'o', 'u', 't', 2, 0, 0, 0, 3, 'e', 'r', 'r' };
	hr_proto_answer a = { .status = HR_PROTO_OK, .exit_code = 1, .generation = 7, .pieces = pieces,
		.pieces_len = sizeof(pieces) };
	hr_proto_answer back;
	hr_bytes b = { 0 };
	hr_message m;
	char err[256];
	strcpy(a.decision, "abc123");
	ck_assert_int_eq(hr_proto_answer_encode(&b, &a), 0);
	ck_assert_int_eq(split(&m, (const char *)b.data, b.len), 0);
	ck_assert_int_eq(hr_proto_answer_parse(&back, &m, err, sizeof(err)), 0);
	ck_assert_int_eq(back.exit_code, 1);
	ck_assert_str_eq(back.decision, "abc123");
	ck_assert_uint_eq(back.pieces_len, sizeof(pieces));
	ck_assert_mem_eq(back.pieces, pieces, sizeof(pieces));
	hr_proto_answer_free(&back);
	hr_message_free(&m);
	/* an "ok" without its exit line never accepts anything */
	ck_assert_int_eq(split(&m, "000estatus=ok\n0000", 18), 0);
	ck_assert_int_eq(hr_proto_answer_parse(&back, &m, err, sizeof(err)), HR_EINVALID);
	ck_assert_ptr_nonnull(strstr(err, "no exit code"));
	hr_message_free(&m);
	ck_assert_int_eq(split(&m, "000estatus=no\n0000", 18), 0);
	ck_assert_int_eq(hr_proto_answer_parse(&back, &m, err, sizeof(err)), HR_EINVALID);
	hr_message_free(&m);
	hr_bytes_free(&b);
}
END_TEST

START_TEST(handshake)
{
	hr_message m;
	unsigned v;
	char agent[64], err[128];
	ck_assert_int_eq(split(&m, "0018hook-run-protocol 2\n0015agent=hook-run/9\n0000", 49), 0);
	ck_assert_int_eq(hr_proto_hello_parse(&m, &v, agent, sizeof(agent), err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 2);
	ck_assert_str_eq(agent, "hook-run/9");
	hr_message_free(&m);
	ck_assert_int_eq(split(&m, "0018hook-run-protocol x\n0000", 28), 0);
	ck_assert_int_eq(hr_proto_hello_parse(&m, &v, agent, sizeof(agent), err, sizeof(err)), HR_EINVALID);
	hr_message_free(&m);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *t = tcase_create("proto");
	tcase_add_loop_test(t, pkt_headers, 0, sizeof(headers) / sizeof(headers[0]));
	tcase_add_test(t, messages_end_at_their_flush);
	tcase_add_test(t, request_round_trip);
	tcase_add_loop_test(t, requests_refused, 0, sizeof(bad_requests) / sizeof(bad_requests[0]));
	tcase_add_test(t, request_bounds_and_input_part);
	tcase_add_test(t, answers);
	tcase_add_test(t, handshake);
	suite_add_tcase(s, t);
	return s;
}
