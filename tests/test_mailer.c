/*
 * test_mailer.c: the outbox's messages (app/mailer.h): the headers of
 * RFC 5322, encoded-words (RFC 2047) that decode back and keep lines
 * short, quoted-printable bodies that decode back, CRLF everywhere, and
 * header injection refused. The sending itself is tested end to end by
 * tests/smtp.sh against a small SMTP server.
 */
#include "testlib.h"

#include <stdio.h>

#include <sodium.h>

#include "app/mailer.h"

/* 2023-11-14 22:13:20 UTC, a Tuesday. */
#define T0 1700000000

static char *
compose(const char *from, const char *to, const char *subject, const char *body,
        enum mail_err want)
{
	struct buf b = BUF_INIT;

	assert_int_equal(mail_compose(&b, from, to, subject, body, 42, T0), want);
	if (want != MAIL_OK) {
		assert_null(b.p);
		return NULL;
	}
	return buf_take(&b, NULL);
}

/* Every line ends in CRLF, no bare CR or LF, none longer than max. */
static void
assert_lines(const char *m, size_t max)
{
	const char *p = m, *nl;

	while ((nl = strchr(p, '\n'))) {
		assert_true(nl > p && nl[-1] == '\r');
		assert_true((size_t)(nl - 1 - p) <= max);
		assert_null(memchr(p, '\r', (size_t)(nl - 1 - p)));
		p = nl + 1;
	}
	assert_int_equal(*p, '\0');
}

static void
test_plain(void **state)
{
	char *m = compose("chiron <noreply@chiron.example>", "s1@example.org",
	                  "Reset your chiron password", "Line one.\nopen /reset/abc\n", MAIL_OK);

	(void)state;
	assert_string_equal(m,
		"Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
		"From: chiron <noreply@chiron.example>\r\n"
		"To: s1@example.org\r\n"
		"Subject: Reset your chiron password\r\n"
		"Message-ID: <chiron.42.1700000000@chiron.example>\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n"
		"Content-Transfer-Encoding: 7bit\r\n"
		"\r\n"
		"Line one.\r\n"
		"open /reset/abc\r\n");
	assert_lines(m, 78);
	free(m);
}

static void
test_from_forms(void **state)
{
	char a[256], *m;

	(void)state;
	assert_int_equal(mail_from_address("a@b.org", a, sizeof(a)), MAIL_OK);
	assert_string_equal(a, "a@b.org");
	assert_int_equal(mail_from_address("Name <a@b.org>", a, sizeof(a)), MAIL_OK);
	assert_string_equal(a, "a@b.org");
	assert_int_equal(mail_from_address("Name <a@b.org> x", a, sizeof(a)), MAIL_BAD_FROM);
	assert_int_equal(mail_from_address("Name <a@b.org", a, sizeof(a)), MAIL_BAD_FROM);
	assert_int_equal(mail_from_address("x <a@b.org>\r\nBcc: c@d.org", a, sizeof(a)), MAIL_BAD_FROM);
	assert_int_equal(mail_from_address("nobody", a, sizeof(a)), MAIL_BAD_FROM);

	m = compose("a@b.org", "c@d.org", "s", "b", MAIL_OK);
	assert_non_null(strstr(m, "\r\nFrom: a@b.org\r\n"));
	free(m);
	/* A name with specials is quoted, its quotes escaped. */
	m = compose("chiron, \"the\" directory <a@b.org>", "c@d.org", "s", "b", MAIL_OK);
	assert_non_null(strstr(m, "\r\nFrom: \"chiron, \\\"the\\\" directory\" <a@b.org>\r\n"));
	free(m);
	/* A name beyond ASCII is encoded. */
	m = compose("Chirón <a@b.org>", "c@d.org", "s", "b", MAIL_OK);
	assert_non_null(strstr(m, "\r\nFrom: =?UTF-8?B?Q2hpcsOzbg==?= <a@b.org>\r\n"));
	free(m);
}

static void
test_addresses(void **state)
{
	(void)state;
	assert_true(mail_address_ok("s1@example.org"));
	assert_true(mail_address_ok("first.last+tag@sub.example.org"));
	assert_false(mail_address_ok(""));
	assert_false(mail_address_ok("@example.org"));
	assert_false(mail_address_ok("a@"));
	assert_false(mail_address_ok("a@b@c"));
	assert_false(mail_address_ok("a b@c.org"));
	assert_false(mail_address_ok("a@c.org>"));
	assert_false(mail_address_ok("<a@c.org"));
	assert_false(mail_address_ok("a@c.org\r\nRCPT TO:<x@y.org>"));
	assert_false(mail_address_ok("a@c.org\n"));
	assert_false(mail_address_ok("ré@c.org"));
}

static void
test_injection(void **state)
{
	(void)state;
	compose("a@b.org", "c@d.org\r\nBcc: e@f.org", "s", "b", MAIL_BAD_TO);
	compose("a@b.org", "c@d.org\nBcc: e@f.org", "s", "b", MAIL_BAD_TO);
	compose("a@b.org", "c@d.org", "hello\r\nBcc: e@f.org", "b", MAIL_BAD_SUBJECT);
	compose("a@b.org", "c@d.org", "hello\nBcc: e@f.org", "b", MAIL_BAD_SUBJECT);
	compose("a@b.org", "c@d.org", "hello\rBcc: e@f.org", "b", MAIL_BAD_SUBJECT);
	compose("a@b.org\r\nX: y", "c@d.org", "s", "b", MAIL_BAD_FROM);
}

/* Decodes a Subject's encoded-words back into out; checks each one. */
static void
decode_words(const char *v, char *out, size_t n)
{
	size_t len = 0;

	while (*v) {
		const char *end;
		unsigned char bin[64];
		size_t k;

		while (*v == '\r' || *v == '\n' || *v == ' ')
			v++;
		assert_memory_equal(v, "=?UTF-8?B?", 10);
		end = strstr(v + 10, "?=");
		assert_non_null(end);
		assert_true(end + 2 - v <= 75);
		assert_int_equal(sodium_base642bin(bin, sizeof(bin), v + 10, (size_t)(end - v - 10),
		                                   NULL, &k, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
		/* Each word is whole characters: it does not start mid-character. */
		assert_true((bin[0] & 0xc0) != 0x80);
		assert_true(len + k < n);
		memcpy(out + len, bin, k);
		len += k;
		v = end + 2;
	}
	out[len] = '\0';
}

static void
test_subject_encoded(void **state)
{
	const char *subjects[] = {
		"Réinitialisez votre mot de passe",
		"Пароль: сбросьте его, пожалуйста, сегодня же, не откладывая на завтра",
		"密码重置 密码重置 密码重置 密码重置 密码重置 密码重置 密码重置 密码重置",
		"emoji 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
		"looks =?like?= a word",
		"tab\there",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		char *m = compose("a@b.org", "c@d.org", subjects[i], "b", MAIL_OK);
		const char *s = strstr(m, "\r\nSubject: ") + 11;
		const char *e = strstr(s, "\r\nMessage-ID: ");
		char v[1024], got[1024];

		assert_lines(m, 76);
		memcpy(v, s, (size_t)(e - s));
		v[e - s] = '\0';
		decode_words(v, got, sizeof(got));
		assert_string_equal(got, subjects[i]);
		free(m);
	}
}

static int
hex(int c)
{
	return c <= '9' ? c - '0' : c - 'A' + 10;
}

/* Decodes a quoted-printable body (CRLF lines) into out. */
static void
decode_qp(const char *p, char *out)
{
	while (*p) {
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
			p += 3;
		} else if (p[0] == '=') {
			assert_true(strchr("0123456789ABCDEF", p[1]) && strchr("0123456789ABCDEF", p[2]));
			*out++ = (char)(hex(p[1]) * 16 + hex(p[2]));
			p += 3;
		} else if (p[0] == '\r' && p[1] == '\n') {
			*out++ = '\n';
			p += 2;
		} else {
			assert_true(*p == ' ' || *p == '\t' || (*p > ' ' && *p < 0x7f));
			*out++ = *p++;
		}
	}
	*out = '\0';
}

static void
test_body_qp(void **state)
{
	char long_line[2100], body[3000], got[4000], *m;
	const char *b;

	(void)state;
	memset(long_line, 'x', 2000);
	long_line[2000] = '\0';
	snprintf(body, sizeof(body), "Grüße, Zoë = café\ntrailing space \n%s\n.\n..dots\n", long_line);
	m = compose("a@b.org", "c@d.org", "s", body, MAIL_OK);
	assert_non_null(strstr(m, "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"));
	assert_lines(m, 76);
	b = strstr(m, "\r\n\r\n") + 4;
	assert_non_null(strstr(b, "Gr=C3=BC=C3=9Fe, Zo=C3=AB =3D caf=C3=A9\r\n"));
	assert_non_null(strstr(b, "trailing space=20\r\n"));
	decode_qp(b, got);
	assert_string_equal(got, body);
	free(m);
}

static void
test_body_line_ends(void **state)
{
	char *m;

	(void)state;
	m = compose("a@b.org", "c@d.org", "s", "unix\nwindows\r\nold mac\rlast", MAIL_OK);
	assert_non_null(strstr(m, "\r\n\r\nunix\r\nwindows\r\nold mac\r\nlast\r\n"));
	assert_lines(m, 78);
	free(m);
	/* Lines that start with a dot go as they are: libcurl stuffs them. */
	m = compose("a@b.org", "c@d.org", "s", ".\n.hidden\n", MAIL_OK);
	assert_non_null(strstr(m, "\r\n\r\n.\r\n.hidden\r\n"));
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_from_forms),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_subject_encoded),
		cmocka_unit_test(test_body_qp),
		cmocka_unit_test(test_body_line_ends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
