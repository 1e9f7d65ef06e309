/*
 * test_totp.c: core/totp.c against the RFCs' own vectors (RFC 4226
 * appendix D, RFC 6238 appendix B: SHA-1, SHA-256 and SHA-512, 8 digits),
 * the ±1-step window and replay, base32 both ways, codes and recovery
 * codes as typed, and the otpauth:// URI.
 */
#include "testlib.h"

#include <stdio.h>

#include "core/totp.h"

static const unsigned char K20[] = "12345678901234567890";
static const unsigned char K32[] = "12345678901234567890123456789012";
static const unsigned char K64[] =
	"1234567890123456789012345678901234567890123456789012345678901234";

static void
rfc4226_appendix_d(void **state)
{
	static const uint32_t want[10] = {755224, 287082, 359152, 969429, 338314,
	                                  254676, 287922, 162583, 399871, 520489};
	uint64_t c;

	(void)state;
	for (c = 0; c < 10; c++)
		assert_int_equal(totp_hotp(TOTP_SHA1, K20, 20, c, 6), want[c]);
}

static void
rfc6238_appendix_b(void **state)
{
	static const struct { int64_t t; uint32_t sha1, sha256, sha512; } v[] = {
		{59, 94287082, 46119246, 90693936},
		{1111111109, 7081804, 68084774, 25091201},
		{1111111111, 14050471, 67062674, 99943326},
		{1234567890, 89005924, 91819424, 93441116},
		{2000000000, 69279037, 90698825, 38618901},
		{20000000000LL, 65353130, 77737706, 47863826},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(totp_at(TOTP_SHA1, K20, 20, v[i].t, 30, 8), v[i].sha1);
		assert_int_equal(totp_at(TOTP_SHA256, K32, 32, v[i].t, 30, 8), v[i].sha256);
		assert_int_equal(totp_at(TOTP_SHA512, K64, 64, v[i].t, 30, 8), v[i].sha512);
	}
	/* 6 digits are the last 6 of the 8. */
	assert_int_equal(totp_at(TOTP_SHA1, K20, 20, 59, 30, 6), 287082);
}

static void
window_and_replay(void **state)
{
	int64_t now = 1111111111, step = 0;
	uint32_t cur = totp_at(TOTP_SHA1, K20, 20, now, 30, 6);
	uint32_t prev = totp_at(TOTP_SHA1, K20, 20, now - 30, 30, 6);
	uint32_t next = totp_at(TOTP_SHA1, K20, 20, now + 30, 30, 6);
	uint32_t old = totp_at(TOTP_SHA1, K20, 20, now - 60, 30, 6);
	uint32_t late = totp_at(TOTP_SHA1, K20, 20, now + 60, 30, 6);

	(void)state;
	assert_true(totp_verify(K20, 20, now, cur, 0, &step));
	assert_int_equal(step, totp_step(now));
	assert_true(totp_verify(K20, 20, now, prev, 0, &step));
	assert_int_equal(step, totp_step(now) - 1);
	assert_true(totp_verify(K20, 20, now, next, 0, &step));
	assert_int_equal(step, totp_step(now) + 1);
	assert_false(totp_verify(K20, 20, now, old, 0, &step));
	assert_false(totp_verify(K20, 20, now, late, 0, &step));
	assert_false(totp_verify(K20, 20, now, (cur + 1) % 1000000, 0, &step));
	/* Replay: the step accepted last, or one before it, is refused. */
	assert_false(totp_verify(K20, 20, now, cur, totp_step(now), &step));
	assert_false(totp_verify(K20, 20, now, prev, totp_step(now), &step));
	assert_true(totp_verify(K20, 20, now, next, totp_step(now), &step));
}

static void
codes_as_typed(void **state)
{
	uint32_t c;

	(void)state;
	assert_int_equal(totp_code_parse("123456", &c), 0);
	assert_int_equal(c, 123456);
	assert_int_equal(totp_code_parse("012 345", &c), 0);
	assert_int_equal(c, 12345);
	assert_int_equal(totp_code_parse(" 000-001 ", &c), 0);
	assert_int_equal(c, 1);
	assert_int_equal(totp_code_parse("12345", &c), -1);
	assert_int_equal(totp_code_parse("1234567", &c), -1);
	assert_int_equal(totp_code_parse("12345a", &c), -1);
	assert_int_equal(totp_code_parse("", &c), -1);
	assert_int_equal(totp_code_parse(NULL, &c), -1);
	assert_int_equal(totp_code_parse("99999999999999999999", &c), -1);
}

static void
base32(void **state)
{
	/* RFC 4648 section 10. */
	static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const out[] = {"", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB",
	                                  "MZXW6YTBOI"};
	char b[64];
	unsigned char raw[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < 7; i++) {
		assert_int_equal(b32_encode((const unsigned char *)in[i], strlen(in[i]), b, sizeof(b)),
		                 strlen(out[i]));
		assert_string_equal(b, out[i]);
		assert_int_equal(b32_decode(out[i], raw, sizeof(raw), &n), 0);
		assert_int_equal(n, strlen(in[i]));
		assert_memory_equal(raw, in[i], n);
	}
	/* Padding, case, spaces and dashes as people type them. */
	assert_int_equal(b32_decode("mzxw 6ytb-oi======", raw, sizeof(raw), &n), 0);
	assert_int_equal(n, 6);
	assert_memory_equal(raw, "foobar", 6);
	/* Refused: other characters, '=' inside, bits left over, too long. */
	assert_int_equal(b32_decode("MZXW1", raw, sizeof(raw), &n), -1);
	assert_int_equal(b32_decode("MZ=XW", raw, sizeof(raw), &n), -1);
	assert_int_equal(b32_decode("MZ", raw, sizeof(raw), &n), -1);  /* "MY" is "f" */
	assert_int_equal(b32_decode("M", raw, sizeof(raw), &n), -1);
	assert_int_equal(b32_decode("MZXW6YTBOI", raw, 5, &n), -1);
	/* Does not fit. */
	assert_int_equal(b32_encode((const unsigned char *)"foobar", 6, b, 10), 0);
	/* Grouped for reading. */
	assert_int_equal(b32_group("MZXW6YTBOI", b, sizeof(b)), 0);
	assert_string_equal(b, "MZXW 6YTB OI");
	assert_int_equal(b32_group("MZXW6YTBOI", b, 12), -1);
}

static void
recovery(void **state)
{
	char out[RECOVERY_CHARS + 1];

	(void)state;
	assert_int_equal(totp_recovery_norm("abcd-efgh 2345-6777", out), 0);
	assert_string_equal(out, "ABCDEFGH23456777");
	assert_int_equal(totp_recovery_norm("ABCD-EFGH-2345-677", out), -1);
	assert_int_equal(totp_recovery_norm("ABCD-EFGH-2345-67777", out), -1);
	assert_int_equal(totp_recovery_norm("ABCD-EFGH-2345-6781", out), -1);
	assert_int_equal(totp_recovery_norm(NULL, out), -1);
}

static void
uri(void **state)
{
	char u[256];

	(void)state;
	assert_int_equal(totp_uri(u, sizeof(u), "chiron", "dr ann@x.org", "JBSWY3DPEHPK3PXP"), 0);
	assert_string_equal(u, "otpauth://totp/chiron:dr%20ann%40x.org?secret=JBSWY3DPEHPK3PXP"
	                    "&issuer=chiron&algorithm=SHA1&digits=6&period=30");
	assert_int_equal(totp_uri(u, 20, "chiron", "ann", "JBSWY3DPEHPK3PXP"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc4226_appendix_d),
		cmocka_unit_test(rfc6238_appendix_b),
		cmocka_unit_test(window_and_replay),
		cmocka_unit_test(codes_as_typed),
		cmocka_unit_test(base32),
		cmocka_unit_test(recovery),
		cmocka_unit_test(uri),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
