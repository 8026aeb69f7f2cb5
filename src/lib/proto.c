/* SPDX-License-Identifier: MIT */
/*
 * proto.c - encoding and decoding the daemon's messages (see proto.h).
 *
 * Pure: bytes in, structures out, no I/O (src/lib/serve/ moves the bytes).
 * The decoders are written for hostile input: each pkt-line header is
 * validated before its length is used, a message must end exactly at its
 * first flush, text lines may not hold NUL bytes, every count is bounded,
 * and any error frees what was built and returns HR_EINVALID with a
 * message that names the offending line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hook-run/proto.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hr_pkt_parse(const unsigned char *buf, size_t len, hr_pkt_type *type,
	const unsigned char **payload, size_t *payload_len, size_t *consumed)
{
	size_t n = 0;
	if (len < 4)
		return 0;
	for (int i = 0; i < 4; i++) {
		int v = hexval(buf[i]);
		if (v < 0)
			return HR_EINVALID;
		n = n << 4 | (size_t)v;
	}
	if (n == 0 || n == 1) {
		*type = n == 0 ? HR_PKT_FLUSH : HR_PKT_DELIM;
		*payload = NULL;
		*payload_len = 0;
		*consumed = 4;
		return 1;
	}
	if (n < 4 || n > HR_PKT_MAX)
		return HR_EINVALID;
	if (len < n)
		return 0;
	*type = HR_PKT_DATA;
	*payload = buf + 4;
	*payload_len = n - 4;
	*consumed = n;
	return 1;
}

int hr_bytes_add(hr_bytes *b, const void *data, size_t len)
{
	if (len > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap - b->len < len) {
			if (cap > ((size_t)-1) / 2)
				return HR_ENOMEM;
			cap *= 2;
		}
		unsigned char *p = realloc(b->data, cap);
		if (!p)
			return HR_ENOMEM;
		b->data = p;
		b->cap = cap;
	}
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

void hr_bytes_free(hr_bytes *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static int add_header(hr_bytes *b, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char h[4] = { hex[(n >> 12) & 15], hex[(n >> 8) & 15], hex[(n >> 4) & 15], hex[n & 15] };
	return hr_bytes_add(b, h, 4);
}

int hr_pkt_add(hr_bytes *b, const void *payload, size_t len)
{
	if (len > HR_PKT_PAYLOAD_MAX)
		return HR_EINVALID;
	int rc = add_header(b, len + 4);
	return rc ? rc : hr_bytes_add(b, payload, len);
}

int hr_pkt_addf(hr_bytes *b, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		return HR_EINVALID;
	line[n++] = '\n';
	return hr_pkt_add(b, line, (size_t)n);
}

int hr_pkt_add_flush(hr_bytes *b)
{
	return hr_bytes_add(b, "0000", 4);
}

int hr_pkt_add_delim(hr_bytes *b)
{
	return hr_bytes_add(b, "0001", 4);
}

int hr_pkt_add_bytes(hr_bytes *b, unsigned char band, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t room = band ? HR_PKT_PAYLOAD_MAX - 1 : HR_PKT_PAYLOAD_MAX;
	while (len) {
		size_t n = len < room ? len : room;
		int rc = add_header(b, n + 4 + (band ? 1 : 0));
		if (!rc && band)
			rc = hr_bytes_add(b, &band, 1);
		if (!rc)
			rc = hr_bytes_add(b, p, n);
		if (rc)
			return rc;
		p += n;
		len -= n;
	}
	return 0;
}

/* ---- messages ------------------------------------------------------- */

int hr_message_split(hr_message *out, unsigned char *bytes, size_t len, char *err, size_t errlen)
{
	size_t pos = 0, cap = 0;
	memset(out, 0, sizeof(*out));
	out->bytes = bytes;
	out->len = len;
	for (;;) {
		hr_pkt_type type;
		const unsigned char *payload;
		size_t plen, used;
		int rc = hr_pkt_parse(bytes + pos, len - pos, &type, &payload, &plen, &used);
		if (rc <= 0) {
			snprintf(err, errlen, rc == 0 ? "message cut short after %zu lines" :
				"malformed pkt-line header after %zu lines", out->npkts);
			goto bad;
		}
		pos += used;
		if (type == HR_PKT_FLUSH) {
			if (pos != len) {
				snprintf(err, errlen, "bytes after the end of the message");
				goto bad;
			}
			return 0;
		}
		if (out->npkts == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			hr_pkt *p = realloc(out->pkts, ncap * sizeof(*p));
			if (!p) {
				snprintf(err, errlen, "out of memory");
				hr_message_free(out);
				return HR_ENOMEM;
			}
			out->pkts = p;
			cap = ncap;
		}
		out->pkts[out->npkts].type = type;
		out->pkts[out->npkts].payload = payload;
		out->pkts[out->npkts].len = plen;
		out->npkts++;
	}
bad:
	hr_message_free(out);
	return HR_EINVALID;
}

void hr_message_free(hr_message *m)
{
	free(m->bytes);
	free(m->pkts);
	memset(m, 0, sizeof(*m));
}

/*
 * A text line of a message: its payload less one final '\n', with no NUL
 * inside, copied into `line` (cap bytes). false when it is not one.
 */
static bool text_line(const hr_pkt *p, char *line, size_t cap)
{
	size_t n = p->len;
	if (p->type != HR_PKT_DATA)
		return false;
	if (n && p->payload[n - 1] == '\n')
		n--;
	if (n >= cap || memchr(p->payload, '\0', n))
		return false;
	memcpy(line, p->payload, n);
	line[n] = '\0';
	return true;
}

int hr_proto_hello_parse(const hr_message *m, unsigned *version, char *agent, size_t agentlen,
	char *err, size_t errlen)
{
	char line[512];
	*version = 0;
	if (agentlen)
		agent[0] = '\0';
	if (m->npkts == 0 || !text_line(&m->pkts[0], line, sizeof(line)) ||
	    strncmp(line, "hook-run-protocol ", 18) != 0) {
		snprintf(err, errlen, "not a hook-run daemon handshake");
		return HR_EINVALID;
	}
	char *end;
	unsigned long v = strtoul(line + 18, &end, 10);
	if (*end || end == line + 18 || v == 0 || v > 1000000) {
		snprintf(err, errlen, "bad protocol version '%s'", line + 18);
		return HR_EINVALID;
	}
	*version = (unsigned)v;
	for (size_t i = 1; i < m->npkts; i++) {
		if (text_line(&m->pkts[i], line, sizeof(line)) && !strncmp(line, "agent=", 6) && agentlen)
			snprintf(agent, agentlen, "%s", line + 6);
	}
	return 0;
}

/* ---- requests ------------------------------------------------------- */

static bool parse_bool01(const char *v, bool *out)
{
	if (!strcmp(v, "0") || !strcmp(v, "1")) {
		*out = v[0] == '1';
		return true;
	}
	return false;
}

static bool parse_seconds(const char *v, double *out)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end || !(d >= 0) || d > 1e9)
		return false;
	*out = d;
	return true;
}

/* A variable's name: what a shell would accept, and not empty. */
static bool env_name_ok(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (i && c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

void hr_proto_request_free(hr_proto_request *r)
{
	for (size_t i = 0; i < r->nenv; i++)
		free(r->env[i]);
	free(r->env);
	free(r->cwd);
	free(r->config);
	free(r->input);
	memset(r, 0, sizeof(*r));
}

int hr_proto_request_parse(hr_proto_request *r, const hr_message *m, char *err, size_t errlen)
{
	size_t i = 0, input_len = 0;
	char *line = malloc(HR_PKT_PAYLOAD_MAX + 1);
	int rc = HR_EINVALID;

	memset(r, 0, sizeof(*r));
	if (!line || !(r->env = calloc(1, sizeof(char *)))) {
		snprintf(err, errlen, "out of memory");
		free(line);
		return HR_ENOMEM;
	}
	for (; i < m->npkts && m->pkts[i].type == HR_PKT_DATA; i++) {
		if (!text_line(&m->pkts[i], line, HR_PKT_PAYLOAD_MAX + 1)) {
			snprintf(err, errlen, "request line %zu is not text", i + 1);
			goto out;
		}
		char *eq = strchr(line, '=');
		if (!strncmp(line, "env ", 4)) {
			char *name = line + 4, *neq = strchr(name, '=');
			if (!neq || !env_name_ok(name, (size_t)(neq - name))) {
				snprintf(err, errlen, "request line %zu: malformed variable", i + 1);
				goto out;
			}
			if (r->nenv >= HR_PROTO_MAX_ENV) {
				snprintf(err, errlen, "more than %d variables", HR_PROTO_MAX_ENV);
				goto out;
			}
			char **env = realloc(r->env, (r->nenv + 2) * sizeof(char *));
			if (!env)
				goto oom;
			r->env = env;
			if (!(env[r->nenv] = strdup(name)))
				goto oom;
			env[++r->nenv] = NULL;
			continue;
		}
		if (!eq) {
			snprintf(err, errlen, "request line %zu: expected key=value", i + 1);
			goto out;
		}
		*eq = '\0';
		const char *key = line, *val = eq + 1;
		bool ok = true;
		if (!strcmp(key, "command")) {
			ok = strlen(val) < sizeof(r->command);
			if (ok)
				snprintf(r->command, sizeof(r->command), "%s", val);
		} else if (!strcmp(key, "cwd")) {
			ok = val[0] == '/' && !r->cwd;
			if (ok && !(r->cwd = strdup(val)))
				goto oom;
		} else if (!strcmp(key, "config")) {
			ok = val[0] == '/' && !r->config;
			if (ok && !(r->config = strdup(val)))
				goto oom;
		} else if (!strcmp(key, "format")) {
			ok = hr_format_parse(val, &r->format);
		} else if (!strcmp(key, "color")) {
			ok = parse_bool01(val, &r->color);
		} else if (!strcmp(key, "quiet")) {
			ok = parse_bool01(val, &r->quiet);
		} else if (!strcmp(key, "stats")) {
			ok = parse_bool01(val, &r->stats);
		} else if (!strcmp(key, "elapsed")) {
			ok = parse_seconds(val, &r->elapsed);
			r->fixed_elapsed = ok;
		} else if (!strcmp(key, "used")) {
			ok = parse_seconds(val, &r->used);
		} else if (!strcmp(key, "deadline-ms")) {
			char *end;
			unsigned long v = strtoul(val, &end, 10);
			ok = *val && !*end && v <= 86400000ul;
			r->deadline_ms = (unsigned)v;
		} else {
			snprintf(err, errlen, "request line %zu: unknown key '%.64s'", i + 1, key);
			goto out;
		}
		if (!ok) {
			snprintf(err, errlen, "request line %zu: bad value for '%.64s'", i + 1, key);
			goto out;
		}
	}
	if (!r->command[0]) {
		snprintf(err, errlen, "the request names no command");
		goto out;
	}
	if (i == m->npkts || m->pkts[i].type != HR_PKT_DELIM) {
		snprintf(err, errlen, "the request has no input part");
		goto out;
	}
	for (size_t j = i + 1; j < m->npkts; j++) {
		if (m->pkts[j].type != HR_PKT_DATA) {
			snprintf(err, errlen, "a second delimiter in the request");
			goto out;
		}
		input_len += m->pkts[j].len;
	}
	if (!(r->input = malloc(input_len + 1)))
		goto oom;
	r->input_len = 0;
	for (size_t j = i + 1; j < m->npkts; j++) {
		memcpy(r->input + r->input_len, m->pkts[j].payload, m->pkts[j].len);
		r->input_len += m->pkts[j].len;
	}
	r->input[r->input_len] = '\0';
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
	rc = HR_ENOMEM;
out:
	free(line);
	if (rc < 0)
		hr_proto_request_free(r);
	return rc;
}

int hr_proto_request_encode(hr_bytes *b, const hr_proto_request *r)
{
	int rc = hr_pkt_addf(b, "command=%s", r->command);
	if (!rc && r->cwd)
		rc = hr_pkt_addf(b, "cwd=%s", r->cwd);
	if (!rc && r->config)
		rc = hr_pkt_addf(b, "config=%s", r->config);
	if (!rc)
		rc = hr_pkt_addf(b, "format=%s", hr_format_name(r->format));
	if (!rc)
		rc = hr_pkt_addf(b, "color=%d", r->color);
	if (!rc)
		rc = hr_pkt_addf(b, "quiet=%d", r->quiet);
	if (!rc)
		rc = hr_pkt_addf(b, "stats=%d", r->stats);
	if (!rc && r->fixed_elapsed)
		rc = hr_pkt_addf(b, "elapsed=%.17g", r->elapsed);
	if (!rc)
		rc = hr_pkt_addf(b, "used=%.6f", r->used);
	if (!rc)
		rc = hr_pkt_addf(b, "deadline-ms=%u", r->deadline_ms);
	for (size_t i = 0; !rc && i < r->nenv; i++) {
		size_t n = strlen(r->env[i]);
		if (n > HR_PKT_PAYLOAD_MAX - 6 || memchr(r->env[i], '\n', n))
			continue; /* a variable no line can carry is left out, never cut */
		char *line = malloc(n + 6);
		if (!line)
			return HR_ENOMEM;
		memcpy(line, "env ", 4);
		memcpy(line + 4, r->env[i], n);
		line[n + 4] = '\n';
		rc = hr_pkt_add(b, line, n + 5);
		free(line);
	}
	if (!rc)
		rc = hr_pkt_add_delim(b);
	if (!rc)
		rc = hr_pkt_add_bytes(b, 0, r->input, r->input_len);
	if (!rc)
		rc = hr_pkt_add_flush(b);
	return rc;
}

/* ---- answers -------------------------------------------------------- */

static const char *const status_names[] = { "ok", "busy", "refused", "failed" };

void hr_proto_answer_free(hr_proto_answer *a)
{
	free(a->pieces);
	a->pieces = NULL;
	a->pieces_len = 0;
}

int hr_proto_answer_encode(hr_bytes *b, const hr_proto_answer *a)
{
	int rc = a->status == HR_PROTO_OK ? hr_pkt_addf(b, "status=ok")
		: hr_pkt_addf(b, "status=%s %s", status_names[a->status], a->message);
	if (!rc && a->decision[0])
		rc = hr_pkt_addf(b, "decision=%s", a->decision);
	if (!rc)
		rc = hr_pkt_addf(b, "generation=%llu", a->generation);
	/* the output pieces, each stream as its band: 1 standard output, 2 error */
	size_t pos = 0;
	while (!rc && pos + 5 <= a->pieces_len) {
		unsigned char band = a->pieces[pos];
		size_t n = (size_t)a->pieces[pos + 1] << 24 | (size_t)a->pieces[pos + 2] << 16 |
			   (size_t)a->pieces[pos + 3] << 8 | a->pieces[pos + 4];
		if (n > a->pieces_len - pos - 5)
			return HR_EINVALID;
		rc = hr_pkt_add_bytes(b, band, a->pieces + pos + 5, n);
		pos += 5 + n;
	}
	if (!rc && a->status == HR_PROTO_OK)
		rc = hr_pkt_addf(b, "exit=%d", a->exit_code);
	if (!rc)
		rc = hr_pkt_add_flush(b);
	return rc;
}

static int add_piece(hr_proto_answer *a, size_t *cap, unsigned char band, const unsigned char *data, size_t n)
{
	/* merge with the previous piece of the same band, as hr_capture does */
	size_t need = a->pieces_len + 5 + n;
	if (need > *cap) {
		size_t ncap = *cap ? *cap : 1024;
		while (ncap < need)
			ncap *= 2;
		unsigned char *p = realloc(a->pieces, ncap);
		if (!p)
			return HR_ENOMEM;
		a->pieces = p;
		*cap = ncap;
	}
	unsigned char *h = a->pieces + a->pieces_len;
	h[0] = band;
	h[1] = (unsigned char)(n >> 24);
	h[2] = (unsigned char)(n >> 16);
	h[3] = (unsigned char)(n >> 8);
	h[4] = (unsigned char)n;
	memcpy(h + 5, data, n);
	a->pieces_len += 5 + n;
	return 0;
}

int hr_proto_answer_parse(hr_proto_answer *a, const hr_message *m, char *err, size_t errlen)
{
	char line[1024];
	size_t cap = 0;
	bool have_exit = false;

	memset(a, 0, sizeof(*a));
	a->exit_code = -1;
	if (m->npkts == 0 || !text_line(&m->pkts[0], line, sizeof(line)) || strncmp(line, "status=", 7)) {
		snprintf(err, errlen, "the answer has no status line");
		return HR_EINVALID;
	}
	const char *st = line + 7;
	size_t w = strcspn(st, " ");
	bool known = false;
	for (int s = 0; s < 4; s++) {
		if (strlen(status_names[s]) == w && !strncmp(st, status_names[s], w)) {
			a->status = (hr_proto_status)s;
			known = true;
		}
	}
	if (!known) {
		snprintf(err, errlen, "unknown answer status '%.32s'", st);
		return HR_EINVALID;
	}
	if (st[w] == ' ')
		snprintf(a->message, sizeof(a->message), "%s", st + w + 1);
	for (size_t i = 1; i < m->npkts; i++) {
		const hr_pkt *p = &m->pkts[i];
		if (p->type != HR_PKT_DATA || have_exit) {
			snprintf(err, errlen, "unexpected line %zu in the answer", i + 1);
			goto bad;
		}
		if (p->len >= 1 && (p->payload[0] == 1 || p->payload[0] == 2)) {
			if (a->pieces_len + p->len > HR_PROTO_MAX_MESSAGE ||
			    add_piece(a, &cap, p->payload[0], p->payload + 1, p->len - 1) < 0) {
				snprintf(err, errlen, "the answer's output is too large");
				goto bad;
			}
			continue;
		}
		if (!text_line(p, line, sizeof(line))) {
			snprintf(err, errlen, "answer line %zu is not text", i + 1);
			goto bad;
		}
		char *end;
		if (!strncmp(line, "decision=", 9)) {
			snprintf(a->decision, sizeof(a->decision), "%.63s", line + 9);
		} else if (!strncmp(line, "generation=", 11)) {
			a->generation = strtoull(line + 11, &end, 10);
		} else if (!strncmp(line, "exit=", 5)) {
			long v = strtol(line + 5, &end, 10);
			if (end == line + 5 || *end || v < 0 || v > 255) {
				snprintf(err, errlen, "bad exit code '%.16s'", line + 5);
				goto bad;
			}
			a->exit_code = (int)v;
			have_exit = true;
		}
		/* other lines: a newer daemon's additions, ignored */
	}
	if (a->status == HR_PROTO_OK && !have_exit) {
		snprintf(err, errlen, "the answer has no exit code");
		goto bad;
	}
	return 0;
bad:
	hr_proto_answer_free(a);
	return HR_EINVALID;
}
