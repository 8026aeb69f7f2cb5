/* SPDX-License-Identifier: MIT */
/*
 * sha1.c - SHA-1 (FIPS 180-4), where hook-run needs a hash without
 * loading libgit2 (which is loaded only when needed, libgit2_lazy.c): the
 * checksum that ends an index file it writes (rawindex.c's
 * hr_rawindex_patch), and the digests that key the verdict caches
 * (hr_hash_bytes: git's blob hash of the bytes). Ids of objects written
 * into a repository are computed by libgit2, never here, so the collision
 * detection git's own SHA-1 adds does not matter: a checksum guards
 * against a torn file, a cache key names content hook-run already holds.
 */
#include <string.h>

#include "git_internal.h"

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80];
	for (int i = 0; i < 16; i++)
		w[i] = hr_be32(p + 4 * i);
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999u;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1u;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdcu;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6u;
		}
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void hr_sha1_init(hr_sha1_ctx *c)
{
	static const uint32_t h0[5] = { 0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u };
	memcpy(c->h, h0, sizeof(h0));
	c->len = 0;
}

void hr_sha1_update(hr_sha1_ctx *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t have = (size_t)(c->len & 63);
	c->len += len;
	if (have) {
		size_t take = 64 - have < len ? 64 - have : len;
		memcpy(c->buf + have, p, take);
		p += take;
		len -= take;
		if (have + take < 64)
			return;
		block(c->h, c->buf);
	}
	for (; len >= 64; p += 64, len -= 64)
		block(c->h, p);
	if (len)
		memcpy(c->buf, p, len);
}

void hr_sha1_final(unsigned char out[20], hr_sha1_ctx *c)
{
	/* a 0x80 byte, zeros, and the length in bits (big-endian) */
	uint64_t bits = c->len * 8;
	unsigned char pad[72] = { 0x80 };
	size_t rest = (size_t)(c->len & 63);
	size_t padlen = (rest < 56 ? 56 : 120) - rest;
	for (int i = 0; i < 8; i++)
		pad[padlen + 7 - i] = (unsigned char)(bits >> (8 * i));
	hr_sha1_update(c, pad, padlen + 8);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void hr_sha1(unsigned char out[20], const void *data, size_t len)
{
	hr_sha1_ctx c;
	hr_sha1_init(&c);
	hr_sha1_update(&c, data, len);
	hr_sha1_final(out, &c);
}
