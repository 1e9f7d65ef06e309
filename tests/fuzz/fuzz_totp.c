/*
 * fuzz_totp.c: the parsers of what a person types on the second factor's
 * pages (core/totp.h): a secret in base32, a 6-digit code, a recovery
 * code.
 *
 * The input: any bytes, cut at the first NUL (these parsers read text).
 * Promises checked: base32 decodes into at most cap bytes and, when it
 * decodes, encoding the bytes and decoding that gives the same bytes; a
 * code parses only to a number below 10^6; a recovery code parses only
 * to RECOVERY_CHARS characters of the base32 alphabet, which parse again
 * to themselves; grouping and the URI never write past their buffers.
 */
#include <string.h>

#include "fuzz.h"

#include "core/totp.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[1024], enc[2048], grp[3072], uri[4096], rec[RECOVERY_CHARS + 1], rec2[RECOVERY_CHARS + 1];
	unsigned char raw[600], raw2[600];
	size_t n, n2, i;
	uint32_t code;

	if (size >= sizeof(s))
		size = sizeof(s) - 1;
	memcpy(s, data, size);
	s[size] = '\0';

	if (b32_decode(s, raw, sizeof(raw), &n) == 0) {
		FUZZ_CHECK(n <= sizeof(raw));
		FUZZ_CHECK(b32_encode(raw, n, enc, sizeof(enc)) > 0 || n == 0);
		FUZZ_CHECK(b32_decode(enc, raw2, sizeof(raw2), &n2) == 0 && n2 == n &&
		           memcmp(raw, raw2, n) == 0);
		FUZZ_CHECK(b32_group(enc, grp, sizeof(grp)) == 0);
		FUZZ_CHECK(b32_decode(grp, raw2, sizeof(raw2), &n2) == 0 && n2 == n);
	}
	if (b32_decode(s, raw, 10, &n) == 0)
		FUZZ_CHECK(n <= 10);
	if (totp_code_parse(s, &code) == 0)
		FUZZ_CHECK(code < 1000000);
	if (totp_recovery_norm(s, rec) == 0) {
		FUZZ_CHECK(strlen(rec) == RECOVERY_CHARS);
		for (i = 0; i < RECOVERY_CHARS; i++)
			FUZZ_CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", rec[i]) != NULL);
		FUZZ_CHECK(totp_recovery_norm(rec, rec2) == 0 && strcmp(rec, rec2) == 0);
	}
	(void)totp_uri(uri, sizeof(uri), "chiron", s, "JBSWY3DPEHPK3PXP");
	FUZZ_CHECK(strlen(uri) < sizeof(uri));
	return 0;
}
