/* SPDX-License-Identifier: MIT */
/*
 * proto.h - the daemon's wire protocol: git's pkt-line framing, a
 * version and capability handshake, and the request and answer of one
 * hook, all bounded (README, "The daemon's protocol").
 *
 * A pkt-line is four hex digits giving the length of the whole line
 * (the four digits included), then the payload: at most 65516 bytes.
 * "0000" (flush) ends a message, "0001" (delim) separates its parts.
 * Lengths 0002 and 0003 are not used and are errors, as are non-hex
 * digits.
 *
 * The parsers here never trust a byte: every length is checked before it
 * is used, every count against a limit, and a message that breaks a rule
 * is refused whole (HR_EINVALID with a message), never half-applied.
 * hr_proto_request_parse() is the daemon's reader of untrusted bytes and
 * has a fuzz target.
 */
#ifndef HOOK_RUN_PROTO_H
#define HOOK_RUN_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "hook-run/common.h"
#include "hook-run/report.h"

#define HR_PROTO_VERSION 1
#define HR_PKT_MAX 65520                 /* a whole pkt-line, header included */
#define HR_PKT_PAYLOAD_MAX (HR_PKT_MAX - 4)
#define HR_PROTO_MAX_ENV 512             /* environment variables in a request */
#define HR_PROTO_MAX_MESSAGE (64u << 20) /* bytes in one message (a push's stdin, an answer) */

typedef enum hr_pkt_type { HR_PKT_DATA = 0, HR_PKT_FLUSH, HR_PKT_DELIM } hr_pkt_type;

/**
 * Parse one pkt-line at the start of `buf`. Returns 1 and fills *type,
 * *payload (pointing into buf), *payload_len and *consumed; 0 when `len`
 * bytes are not a whole line yet; HR_EINVALID for a malformed header.
 */
int hr_pkt_parse(const unsigned char *buf, size_t len, hr_pkt_type *type,
	const unsigned char **payload, size_t *payload_len, size_t *consumed);

/** Append a data line (len <= HR_PKT_PAYLOAD_MAX) to a growing buffer. */
typedef struct hr_bytes {
	unsigned char *data;
	size_t len, cap;
} hr_bytes;

int hr_bytes_add(hr_bytes *b, const void *data, size_t len);
void hr_bytes_free(hr_bytes *b);
int hr_pkt_add(hr_bytes *b, const void *payload, size_t len);
/** A text line: `fmt` formatted, with a final '\n' added. */
int hr_pkt_addf(hr_bytes *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int hr_pkt_add_flush(hr_bytes *b);
int hr_pkt_add_delim(hr_bytes *b);
/** Bytes of any length as as many data lines as needed, each prefixed by `band` (0: none). */
int hr_pkt_add_bytes(hr_bytes *b, unsigned char band, const void *data, size_t len);

/* ---- one message: the lines up to a flush --------------------------- */

typedef struct hr_pkt {
	hr_pkt_type type;
	const unsigned char *payload;  /* into the message's bytes */
	size_t len;
} hr_pkt;

typedef struct hr_message {
	unsigned char *bytes;          /* the raw message (malloc'd) */
	size_t len;
	hr_pkt *pkts;                  /* its lines, the final flush left out */
	size_t npkts;
} hr_message;

/**
 * Split `len` bytes that end with a flush into lines (the message takes
 * ownership of `bytes`). HR_EINVALID when a line is malformed or the
 * bytes do not end exactly at the first flush.
 */
int hr_message_split(hr_message *out, unsigned char *bytes, size_t len, char *err, size_t errlen);

void hr_message_free(hr_message *m);

/* ---- the handshake -------------------------------------------------- */

/**
 * The first message of each side: "hook-run-protocol N", "agent=...",
 * then capabilities. Parse the other side's: *version, and *agent (into
 * `agent`, truncated). HR_EINVALID when it is not a handshake at all.
 */
int hr_proto_hello_parse(const hr_message *m, unsigned *version, char *agent, size_t agentlen,
	char *err, size_t errlen);

/* ---- a request ------------------------------------------------------ */

typedef struct hr_proto_request {
	char command[32];              /* "pre-receive" */
	char *cwd;                     /* the hook's directory (absolute), or NULL */
	char *config;                  /* the configuration file the hook would judge with
	                                  (absolute), or NULL: the defaults */
	char **env;                    /* "NAME=VALUE" strings, NULL-terminated */
	size_t nenv;
	hr_format format;
	bool color, quiet, stats;
	bool fixed_elapsed;
	double elapsed;
	double used;                   /* seconds the hook spent before sending */
	unsigned deadline_ms;          /* the client waits this long for the answer (0: none) */
	unsigned char *input;          /* standard input (malloc'd; NUL-terminated) */
	size_t input_len;
} hr_proto_request;

/**
 * Decode a request message: `key=value` lines (command, cwd, config, format,
 * color, quiet, stats, elapsed, used, deadline-ms, and `env NAME=VALUE`),
 * a delim, then standard input as data lines. Unknown keys are errors (a
 * newer client talks to an older daemon only after the handshake agreed).
 * Bounded: HR_PROTO_MAX_ENV variables, one NUL-free line each.
 */
int hr_proto_request_parse(hr_proto_request *out, const hr_message *m, char *err, size_t errlen);

void hr_proto_request_free(hr_proto_request *r);

/** Encode a request (the client side). */
int hr_proto_request_encode(hr_bytes *b, const hr_proto_request *r);

/* ---- an answer ------------------------------------------------------ */

typedef enum hr_proto_status {
	HR_PROTO_OK = 0,       /* judged: exit code and output follow */
	HR_PROTO_BUSY,         /* over the limits: the client decides (local check or deny) */
	HR_PROTO_REFUSED,      /* not allowed (peer, repository outside the roots) */
	HR_PROTO_FAILED,       /* the daemon could not judge it */
} hr_proto_status;

typedef struct hr_proto_answer {
	hr_proto_status status;
	char message[512];             /* why, for BUSY/REFUSED/FAILED */
	int exit_code;
	char decision[64];             /* the decision id, or "" */
	unsigned long long generation; /* the policy generation that judged it */
	unsigned char *pieces;         /* hr_capture's pieces: stream, 4-byte length, bytes */
	size_t pieces_len;
} hr_proto_answer;

/** Decode an answer; an OK answer without its exit line is HR_EINVALID. */
int hr_proto_answer_parse(hr_proto_answer *out, const hr_message *m, char *err, size_t errlen);

void hr_proto_answer_free(hr_proto_answer *a);

/** Encode an answer (`pieces` as hr_capture keeps them). */
int hr_proto_answer_encode(hr_bytes *b, const hr_proto_answer *a);

#endif
