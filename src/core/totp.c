/*
 * totp.c: HOTP and TOTP codes, base32 and otpauth:// URIs (totp.h).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/totp.h"

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

uint32_t
totp_hotp(enum totp_alg alg, const unsigned char *key, size_t n, uint64_t counter, int digits)
{
	const EVP_MD *md = alg == TOTP_SHA256 ? EVP_sha256() : alg == TOTP_SHA512 ? EVP_sha512() :
	                   EVP_sha1();
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0, off;
	uint32_t bin, mod = 1;
	int i;

	if (digits < 1 || digits > 9 || n > (size_t)INT32_MAX)
		return 0;
	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	if (!HMAC(md, key, (int)n, msg, sizeof(msg), mac, &len) || len < 20)
		return 0;
	/* RFC 4226 5.3: the low 4 bits of the last byte give the offset of
	 * 31 bits read big-endian. */
	off = mac[len - 1] & 0x0f;
	bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
	      ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
	for (i = 0; i < digits; i++)
		mod *= 10;
	return bin % mod;
}

int64_t
totp_step(int64_t t)
{
	return t < 0 ? 0 : t / TOTP_STEP;
}

uint32_t
totp_at(enum totp_alg alg, const unsigned char *key, size_t n, int64_t t, int step, int digits)
{
	return totp_hotp(alg, key, n, t < 0 || step < 1 ? 0 : (uint64_t)(t / step), digits);
}

bool
totp_verify(const unsigned char *key, size_t n, int64_t now, uint32_t code, int64_t last_step,
            int64_t *step)
{
	int64_t base = totp_step(now), s;
	bool hit = false;

	for (s = base - TOTP_WINDOW; s <= base + TOTP_WINDOW; s++) {
		uint32_t want = totp_hotp(TOTP_SHA1, key, n, (uint64_t)(s < 0 ? 0 : s), TOTP_DIGITS);
		/* No early exit on a match: every step costs the same. */
		volatile uint32_t diff = want ^ code;

		if (diff == 0 && s > last_step && s >= 0 && !hit) {
			hit = true;
			*step = s;
		}
	}
	return hit;
}

int
totp_code_parse(const char *s, uint32_t *code)
{
	uint32_t v = 0;
	int nd = 0;

	if (!s)
		return -1;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++nd > TOTP_DIGITS)
				return -1;
			v = v * 10 + (uint32_t)(*s - '0');
		} else if (*s != ' ' && *s != '-') {
			return -1;
		}
	}
	if (nd != TOTP_DIGITS)
		return -1;
	*code = v;
	return 0;
}

size_t
b32_encode(const unsigned char *in, size_t n, char *out, size_t cap)
{
	size_t o = 0, i;
	uint32_t acc = 0;
	int bits = 0;

	if (cap == 0 || (n * 8 + 4) / 5 + 1 > cap)
		return 0;
	for (i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = B32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = B32[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return o;
}

/* The value of a base32 character (either case), or -1. */
static int
b32_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int
b32_decode(const char *s, unsigned char *out, size_t cap, size_t *n)
{
	uint32_t acc = 0;
	int bits = 0, v;
	size_t o = 0;

	for (; *s && *s != '='; s++) {
		if (*s == ' ' || *s == '-')
			continue;
		if ((v = b32_val(*s)) < 0)
			return -1;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			if (o >= cap)
				return -1;
			out[o++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
		acc &= (1u << bits) - 1;
	}
	for (; *s; s++)
		if (*s != '=')
			return -1;
	/* What is left must be padding bits, all zero, fewer than a byte. */
	if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
		return -1;
	*n = o;
	return 0;
}

int
b32_group(const char *b32, char *out, size_t cap)
{
	size_t o = 0, i;

	for (i = 0; b32[i]; i++) {
		if (i && i % 4 == 0) {
			if (o + 1 >= cap)
				return -1;
			out[o++] = ' ';
		}
		if (o + 1 >= cap)
			return -1;
		out[o++] = b32[i];
	}
	if (o >= cap)
		return -1;
	out[o] = '\0';
	return 0;
}

/* Appends s percent-encoded (all but unreserved characters) at out+*o. */
static int
pct(char *out, size_t cap, size_t *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			if (*o + 1 >= cap)
				return -1;
			out[(*o)++] = (char)c;
		} else {
			if (*o + 3 >= cap)
				return -1;
			out[(*o)++] = '%';
			out[(*o)++] = hex[c >> 4];
			out[(*o)++] = hex[c & 15];
		}
	}
	out[*o] = '\0';
	return 0;
}

static int
lit(char *out, size_t cap, size_t *o, const char *s)
{
	size_t n = strlen(s);

	if (*o + n >= cap)
		return -1;
	memcpy(out + *o, s, n + 1);
	*o += n;
	return 0;
}

int
totp_uri(char *out, size_t cap, const char *issuer, const char *account, const char *b32)
{
	size_t o = 0;
	char d[8];

	if (cap == 0)
		return -1;
	snprintf(d, sizeof(d), "%d", TOTP_DIGITS);
	return lit(out, cap, &o, "otpauth://totp/") || pct(out, cap, &o, issuer) ||
	       lit(out, cap, &o, ":") || pct(out, cap, &o, account) ||
	       lit(out, cap, &o, "?secret=") || pct(out, cap, &o, b32) ||
	       lit(out, cap, &o, "&issuer=") || pct(out, cap, &o, issuer) ||
	       lit(out, cap, &o, "&algorithm=SHA1&digits=") || lit(out, cap, &o, d) ||
	       lit(out, cap, &o, "&period=30") ? -1 : 0;
}

int
totp_recovery_norm(const char *s, char out[RECOVERY_CHARS + 1])
{
	int n = 0, v;

	if (!s)
		return -1;
	for (; *s; s++) {
		if (*s == ' ' || *s == '-')
			continue;
		if ((v = b32_val(*s)) < 0 || n >= RECOVERY_CHARS)
			return -1;
		out[n++] = B32[v];
	}
	out[n] = '\0';
	return n == RECOVERY_CHARS ? 0 : -1;
}
