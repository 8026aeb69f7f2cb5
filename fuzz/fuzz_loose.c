/* SPDX-License-Identifier: MIT */
/*
 * fuzz_loose.c - loose object files (hr_loose_parse, what hr_loose_read
 * does with a file's bytes): zlib, the `<type> <size>\0` header, the body.
 *
 * Input: one control byte, then the bytes. Bit 0 of the control byte
 * clear: the bytes are the file as on disk (a zlib stream, as the seed
 * corpus holds real loose objects written by git); set: they are the
 * object uncompressed, deflated here, so that the fuzzer reaches the
 * header grammar without having to find zlib's checksums. The other seven
 * bits choose the size limit: 0 none, else that many times 37 bytes.
 *
 * Properties: a success has a type from 1 to 4, a NUL after its bytes and
 * a length within the limit; a failure leaves no data and says why
 * (HR_ENOMEM aside). For input deflated here, a second, independent reading of
 * the header: the parse succeeds exactly when the uncompressed bytes are
 * `<commit|tree|blob|tag> <canonical decimal>\0` ending within the first
 * 32 bytes and followed by exactly that many bytes (HR_ETOOBIG when the
 * declared size is over the limit, whatever follows), and then the object
 * is those bytes.
 */
#include <limits.h>
#include <string.h>
#include <zlib.h>

#include "fuzz.h"
#include "git/git_internal.h"

/*
 * The type (1..4) and size of the header git would accept at the start of
 * raw[0..len), and where the body starts; 0 when it refuses the header.
 */
static int header_of(const unsigned char *raw, size_t len, size_t *size, size_t *body)
{
	static const char *const names[] = { NULL, "commit", "tree", "blob", "tag" };
	const unsigned char *nul = memchr(raw, '\0', len < 32 ? len : 32);
	const unsigned char *sp = memchr(raw, ' ', len);
	int type = 0;
	if (!nul || !sp || sp > nul)
		return 0;
	for (int t = 1; t <= 4; t++)
		if ((size_t)(sp - raw) == strlen(names[t]) && !memcmp(raw, names[t], (size_t)(sp - raw)))
			type = t;
	const unsigned char *p = sp + 1;
	if (!type || p == nul || (*p == '0' && p + 1 != nul))
		return 0;
	size_t n = 0;
	for (; p < nul; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		size_t d = (size_t)(*p - '0');
		if (n > (SIZE_MAX - d) / 10)
			return 0;
		n = n * 10 + d;
	}
	*body = (size_t)(nul + 1 - raw);
	*size = n;
	return type;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool raw = data[0] & 1;
	size_t max = (size_t)(data[0] >> 1) * 37;
	const unsigned char *bytes = data + 1;
	size_t len = size - 1;
	unsigned char *z = NULL;
	uLongf zlen = 0;

	if (raw) {
		zlen = compressBound((uLong)len);
		if (!(z = malloc(zlen)) || compress2(z, &zlen, bytes, (uLong)len, 6) != Z_OK) {
			free(z);
			return 0;
		}
	}

	hr_looseobj o;
	char err[512] = "";
	int rc = hr_loose_parse(&o, raw ? z : bytes, raw ? zlen : len, max, "fuzz", err, sizeof(err));
	if (rc == 0) {
		FUZZ_ASSERT(o.type >= 1 && o.type <= 4, "a type out of range");
		FUZZ_ASSERT(o.data && o.data[o.len] == '\0', "the bytes are not NUL-terminated");
		FUZZ_ASSERT(!max || o.len <= max, "a size over the limit was read");
	} else {
		FUZZ_ASSERT(rc == HR_EINVALID || rc == HR_ETOOBIG || rc == HR_ENOMEM, "an unexpected error code");
		FUZZ_ASSERT(rc == HR_ENOMEM || err[0], "a failure without a message");
		FUZZ_ASSERT(o.data == NULL, "data left behind by a failure");
	}
	if (raw) {
		size_t want = 0, body = 0;
		int type = header_of(bytes, len, &want, &body);
		if (!type)
			FUZZ_ASSERT(rc == HR_EINVALID, "a header git refuses was read");
		else if ((max && want > max) || want == SIZE_MAX)
			FUZZ_ASSERT(rc == HR_ETOOBIG, "an object over the limit was not refused");
		else if (want != len - body)
			FUZZ_ASSERT(rc == HR_EINVALID, "an object of another size than declared was read");
		else if (rc != HR_ENOMEM) {
			FUZZ_ASSERT(rc == 0, "a well-formed object was refused");
			FUZZ_ASSERT(o.type == type && o.len == want && !memcmp(o.data, bytes + body, want),
				"the object read is not the object written");
		}
	}
	hr_looseobj_free(&o);
	free(z);
	return 0;
}
