/*
 * test_password_list.c: the rules of a new password (app/account.h,
 * account_password_check: 15 to 128 characters, 8 with a second factor,
 * counted as Unicode characters) and the list of common passwords
 * (app/password_list.c: one a line, case ignored, a missing file said).
 */
#include "testlib.h"

#include <stdio.h>
#include <unistd.h>

#include "app/password_list.h"
#include "app/services.h"

static void
list_lookup(void **state)
{
	char path[] = "/tmp/chiron-pwlist-XXXXXX", err[600];
	struct password_list *l;
	FILE *f;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("password\nLetMeIn\r\n\nadministration's\nqwerty", f);
	fclose(f);
	l = password_list_load(path, err, sizeof(err));
	unlink(path);
	assert_non_null(l);
	assert_int_equal(password_list_size(l), 4);
	assert_true(password_listed(l, "password"));
	assert_true(password_listed(l, "PASSWORD"));
	assert_true(password_listed(l, "letmein"));
	assert_true(password_listed(l, "qwerty"));
	assert_true(password_listed(l, "Administration's"));
	assert_false(password_listed(l, "passwor"));
	assert_false(password_listed(l, "password1"));
	assert_false(password_listed(l, ""));
	assert_false(password_listed(NULL, "password"));
	password_list_free(l);
	assert_null(password_list_load("/nonexistent/chiron-list", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/chiron-list"));
}

static void
rules(void **state)
{
	char path[] = "/tmp/chiron-pwlist-XXXXXX", err[600], big[200];
	struct services sv;
	struct password_list *l;
	FILE *f;
	int fd = mkstemp(path);

	(void)state;
	f = fdopen(fd, "w");
	fputs("acknowledgments\npassword\n", f);
	fclose(f);
	l = password_list_load(path, err, sizeof(err));
	unlink(path);
	memset(&sv, 0, sizeof(sv));
	sv.common_passwords = l;
	assert_null(account_password_check(&sv, "fifteen-chars-1", false));
	assert_non_null(strstr(account_password_check(&sv, "fourteen-chars", false), "at least 15"));
	assert_null(account_password_check(&sv, "eight-ch", true));
	assert_non_null(strstr(account_password_check(&sv, "seven-c", true), "at least 8"));
	/* Characters, not bytes: 15 two-byte letters fit, 14 do not. */
	assert_null(account_password_check(&sv, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	                                         "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	                                         "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", false));
	assert_non_null(account_password_check(&sv, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	                                             "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	                                             "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", false));
	memset(big, 'x', 128);
	big[128] = '\0';
	assert_null(account_password_check(&sv, big, false));
	big[128] = 'x';
	big[129] = '\0';
	assert_non_null(strstr(account_password_check(&sv, big, false), "at most 128"));
	assert_string_equal(account_password_check(&sv, "Acknowledgments", false),
	                    "That password is on a list of common passwords; choose another.");
	assert_string_equal(account_password_check(&sv, "password", true),
	                    "That password is on a list of common passwords; choose another.");
	assert_non_null(account_password_check(&sv, NULL, false));
	password_list_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_lookup),
		cmocka_unit_test(rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
