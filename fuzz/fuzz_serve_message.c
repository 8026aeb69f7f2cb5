/* SPDX-License-Identifier: MIT */
/*
 * fuzz_serve_message.c - the daemon's reader of what a client sends (and
 * the client's reader of what a daemon answers): pkt-lines cut into a
 * message (hr_pkt_parse, hr_message_split), then read as a handshake, a
 * request and an answer (proto.c). Every byte comes from another process.
 *
 * Properties: a message is refused whole with a message or accepted; an
 * accepted request encodes again and decodes to the same request; an
 * accepted answer encodes again (its pieces are well-formed).
 */
#include <string.h>

#include "fuzz.h"
#include "hook-run/proto.h"

/* the first message of `data`: its length up to and including a flush, or 0 */
static size_t first_message(const unsigned char *data, size_t size)
{
	size_t pos = 0;
	for (;;) {
		hr_pkt_type type;
		const unsigned char *payload;
		size_t plen, used;
		if (hr_pkt_parse(data + pos, size - pos, &type, &payload, &plen, &used) <= 0)
			return 0;
		pos += used;
		if (type == HR_PKT_FLUSH)
			return pos;
	}
}

static void check_request(const hr_message *m)
{
	hr_proto_request r, again;
	hr_message m2;
	hr_bytes b = { 0 };
	char err[512] = "";
	int rc = hr_proto_request_parse(&r, m, err, sizeof(err));
	if (rc < 0) {
		FUZZ_ASSERT(err[0], "a refused request without a reason");
		return;
	}
	FUZZ_ASSERT(hr_proto_request_encode(&b, &r) == 0, "an accepted request does not encode");
	unsigned char *copy = malloc(b.len ? b.len : 1);
	FUZZ_ASSERT(copy != NULL, "out of memory");
	memcpy(copy, b.data, b.len);
	FUZZ_ASSERT(hr_message_split(&m2, copy, b.len, err, sizeof(err)) == 0, "an encoded request does not split");
	FUZZ_ASSERT(hr_proto_request_parse(&again, &m2, err, sizeof(err)) == 0, "an encoded request does not parse");
	FUZZ_ASSERT(!strcmp(r.command, again.command), "command changed");
	FUZZ_ASSERT(r.input_len == again.input_len && !memcmp(r.input, again.input, r.input_len), "input changed");
	FUZZ_ASSERT(r.format == again.format && r.quiet == again.quiet, "options changed");
	FUZZ_ASSERT((!r.cwd && !again.cwd) || (r.cwd && again.cwd && !strcmp(r.cwd, again.cwd)), "cwd changed");
	hr_proto_request_free(&again);
	hr_message_free(&m2);
	hr_bytes_free(&b);
	hr_proto_request_free(&r);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char err[512], agent[64];
	unsigned version;
	size_t pos = 0;
	for (int k = 0; k < 3 && pos < size; k++) {
		size_t n = first_message(data + pos, size - pos);
		if (!n)
			break;
		unsigned char *bytes = malloc(n);
		hr_message m;
		FUZZ_ASSERT(bytes != NULL, "out of memory");
		memcpy(bytes, data + pos, n);
		pos += n;
		if (hr_message_split(&m, bytes, n, err, sizeof(err)) < 0)
			continue;
		(void)hr_proto_hello_parse(&m, &version, agent, sizeof(agent), err, sizeof(err));
		check_request(&m);
		hr_proto_answer a;
		if (hr_proto_answer_parse(&a, &m, err, sizeof(err)) == 0) {
			hr_bytes b = { 0 };
			FUZZ_ASSERT(hr_proto_answer_encode(&b, &a) == 0, "an accepted answer does not encode");
			hr_bytes_free(&b);
			hr_proto_answer_free(&a);
		}
		hr_message_free(&m);
	}
	return 0;
}
