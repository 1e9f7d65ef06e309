/*
 * secret.c: passwords and tokens (secret.h).
 */
#include <string.h>

#include <sodium.h>

#include "app/secret.h"

int
password_hash(const char *pw, char out[160])
{
	_Static_assert(crypto_pwhash_STRBYTES <= 160, "hash fits");
	return crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
	                             crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

bool
password_ok(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

int
token_random(char out[48], unsigned char raw[32])
{
	randombytes_buf(raw, 32);
	sodium_bin2base64(out, 48, raw, 32, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

void
token_hash(const unsigned char raw[32], unsigned char hash[32])
{
	crypto_generichash(hash, 32, raw, 32, NULL, 0);
}

int
token_decode(const char *s, unsigned char raw[32])
{
	size_t n = 0;

	if (!s || strlen(s) != 43)
		return -1;
	if (sodium_base642bin(raw, 32, s, 43, NULL, &n, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || n != 32)
		return -1;
	return 0;
}
