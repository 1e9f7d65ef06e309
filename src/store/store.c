/*
 * store.c: choosing the engine for a store spec.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/store.h"

struct store *
store_open(const char *spec, char *err, size_t errlen)
{
	if (strncmp(spec, "postgres://", 11) == 0 ||
	    strncmp(spec, "postgresql://", 13) == 0) {
		snprintf(err, errlen, "%s: the PostgreSQL store is not built yet; use a SQLite file path", spec);
		return NULL;
	}
	return store_sqlite_open(spec, err, errlen);
}

void
store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

/* One reason per thread (store.h): no thread reads another's. */
static _Thread_local char last_error[512];
/* The last failure was a full disk (store_error_full after store_error). */
static _Thread_local bool last_full;

void
store_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	last_full = false;
}

void
store_error_full(void)
{
	last_full = true;
}

bool
store_failed_full(void)
{
	return last_full;
}

void
store_error_clear(void)
{
	last_error[0] = '\0';
	last_full = false;
}

const char *
store_errmsg(const struct store *s)
{
	(void)s;
	return last_error;
}

/* ----------------------------------------------------------------------
 * Mail at rest: a blob is nonce (24 bytes) || ciphertext || tag (16) of
 * "to NUL subject NUL body", the row id (8 bytes, little-endian) as
 * associated data.
 * ---------------------------------------------------------------------- */

#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES

static void
id_bytes(int64_t id, unsigned char ad[8])
{
	uint64_t v = (uint64_t)id;
	int i;

	for (i = 0; i < 8; i++)
		ad[i] = (unsigned char)(v >> (8 * i));
}

int
store_mail_seal(const unsigned char *key, int64_t id, const char *to, const char *subject,
                const char *body, unsigned char **out, size_t *outn)
{
	size_t a = strlen(to), b = strlen(subject), c = strlen(body), n = a + b + c + 2;
	unsigned char ad[8], *plain = malloc(n), *blob = malloc(NONCE + n + TAG);
	unsigned long long clen;

	if (!plain || !blob) {
		free(plain);
		free(blob);
		return -1;
	}
	memcpy(plain, to, a + 1);
	memcpy(plain + a + 1, subject, b + 1);
	memcpy(plain + a + b + 2, body, c);
	id_bytes(id, ad);
	randombytes_buf(blob, NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(blob + NONCE, &clen, plain, n, ad, sizeof(ad),
	                                           NULL, blob, key);
	sodium_memzero(plain, n);
	free(plain);
	*out = blob;
	*outn = NONCE + (size_t)clen;
	return 0;
}

int
store_mail_open(const unsigned char *key, int64_t id, const void *blob, size_t n, char **mem,
                const char **to, const char **subject, const char **body)
{
	const unsigned char *p = blob;
	unsigned char ad[8];
	unsigned long long len;
	char *m, *s1, *s2;

	*mem = NULL;
	if (!blob || n < NONCE + TAG || !(m = malloc(n - NONCE - TAG + 1)))
		return -1;
	id_bytes(id, ad);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)m, &len, NULL, p + NONCE,
	                                               n - NONCE, ad, sizeof(ad), p, key) != 0) {
		free(m);
		return -1;
	}
	m[len] = '\0';
	s1 = memchr(m, '\0', (size_t)len);
	s2 = s1 ? memchr(s1 + 1, '\0', (size_t)len - (size_t)(s1 + 1 - m)) : NULL;
	if (!s2) {
		free(m);
		return -1;
	}
	*mem = m;
	*to = m;
	*subject = s1 + 1;
	*body = s2 + 1;
	return 0;
}
