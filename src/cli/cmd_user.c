/*
 * cmd_user.c: `chiron user add`: accounts from the command line, for an
 * operator's first admin and for the demo.
 *
 *   chiron user add [--db PATH] --handle H --email E --role seeker|therapist|admin
 *                   [--therapist ID] [--password-stdin] [--totp-secret BASE32]
 *                   [--key-file FILE] [--common-passwords FILE]
 *
 * Without --password-stdin a random password is made and printed once.
 * A password given follows the rules of the site (app/account.h: 15 to 128
 * characters, 8 with a second factor, not on the list of common
 * passwords). --totp-secret turns the account's second factor on with
 * that secret (base32, as an authenticator app takes it), sealed with
 * the account's key (the key file: --key-file, or chiron.key beside the
 * database): for an operator provisioning a device, and for the tests.
 * The email is sealed as the sign-up seals it (app/identity.c), so the
 * command reads the key file (cli_open_sealed).
 * --therapist links the account to a listing already verified: the
 * operator at the console vouches for it, and the listing records that it
 * was verified from the command line.
 *
 * The hidden --claimed-days-ago N (tests) dates the claim and its
 * verification N days back, as a listing that has waited that long for
 * its confirmation: what a suite needs to see a listing paused or
 * reminded, without writing to the database behind the store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cli/cli.h"
#include "app/password_list.h"
#include "app/second_factor.h"
#include "app/services.h"
#include "core/totp.h"
#include "core/utf8.h"
#include "store/store.h"
#include "web/auth.h"

#define CLI_VERIFIED_HOW "cli: chiron user add --therapist, by the operator"

static int
usage_user(void)
{
	fprintf(stderr, "usage: chiron user add [--db PATH] --handle H --email E "
	                "--role seeker|therapist|admin [--therapist ID] [--password-stdin] "
	                "[--totp-secret BASE32] [--key-file FILE] [--common-passwords FILE]\n");
	return 2;
}

int
cmd_user(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *handle = NULL, *email = NULL, *role = NULL, *tid = "";
	const char *totp = NULL, *keyfile = NULL, *listpath = PASSWORD_LIST_DEFAULT, *bad;
	char pw[1100], err[1200];
	unsigned char raw[32], key[64];
	struct store_user u;
	struct store *st;
	struct services sv;
	struct password_list *common;
	struct ctx cx;
	size_t keyn;
	int i, from_stdin = 0, rc;
	int64_t at = (int64_t)time(NULL);

	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return usage_user();
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--handle") == 0 && i + 1 < argc)
			handle = argv[++i];
		else if (strcmp(argv[i], "--email") == 0 && i + 1 < argc)
			email = argv[++i];
		else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (strcmp(argv[i], "--therapist") == 0 && i + 1 < argc)
			tid = argv[++i];
		else if (strcmp(argv[i], "--password-stdin") == 0)
			from_stdin = 1;
		else if (strcmp(argv[i], "--totp-secret") == 0 && i + 1 < argc)
			totp = argv[++i];
		else if (strcmp(argv[i], "--key-file") == 0 && i + 1 < argc)
			keyfile = argv[++i];
		else if (strcmp(argv[i], "--common-passwords") == 0 && i + 1 < argc)
			listpath = argv[++i];
		else if (strcmp(argv[i], "--claimed-days-ago") == 0 && i + 1 < argc) {
			char *end;
			long days;

			errno = 0;
			days = strtol(argv[++i], &end, 10);
			if (errno || end == argv[i] || *end || days < 0 || days > 100000) {
				fprintf(stderr, "chiron user: --claimed-days-ago \"%s\": a whole number of "
				        "days\n", argv[i]);
				return 2;
			}
			at -= (int64_t)days * 86400;
		}
		else
			return usage_user();
	}
	if (!handle || !email || !role)
		return usage_user();
	if (role_parse(role) == ACCT_NONE) {
		fprintf(stderr, "chiron user: --role \"%s\": use seeker, therapist or admin\n", role);
		return 2;
	}
	if (utf8_check(handle, strlen(handle)) || utf8_check(email, strlen(email))) {
		fprintf(stderr, "chiron user: --%s has characters chiron cannot read (not valid "
		        "UTF-8); retype it\n", utf8_check(handle, strlen(handle)) ? "handle" : "email");
		return 1;
	}
	if (sodium_init() < 0)
		return 1;
	if (from_stdin) {
		size_t n;

		if (!fgets(pw, sizeof(pw), stdin)) {
			fprintf(stderr, "chiron user: no password on standard input\n");
			return 1;
		}
		n = strcspn(pw, "\r\n");
		pw[n] = '\0';
	} else {
		token_random(pw, raw);
		pw[16] = '\0';
	}
	if (totp && (b32_decode(totp, key, sizeof(key), &keyn) || keyn < 10)) {
		fprintf(stderr, "chiron user: --totp-secret: give the secret in base32 (A-Z and 2-7), "
		        "16 to 100 characters\n");
		return 2;
	}
	sodium_memzero(key, sizeof(key));
	if (!(common = password_list_load(listpath, err, sizeof(err))))
		fprintf(stderr, "chiron user: warning: %s; the password is checked for length only\n",
		        err);
	memset(&sv, 0, sizeof(sv));
	sv.common_passwords = common;
	bad = account_password_check(&sv, pw, totp != NULL);
	password_list_free(common);
	if (bad) {
		fprintf(stderr, "chiron user: %s\n", bad);
		return 1;
	}
	memset(&u, 0, sizeof(u));
	snprintf(u.handle, sizeof(u.handle), "%s", handle);
	snprintf(u.email, sizeof(u.email), "%s", email);
	snprintf(u.role, sizeof(u.role), "%s", role);
	/* A listing is claimed below, which also records it on the account. */
	if (password_hash(pw, u.pw_hash)) {
		fprintf(stderr, "chiron user: out of memory hashing the password\n");
		return 1;
	}
	/* The email is sealed under the account's key (app/identity.c). */
	if (!(st = cli_open_sealed("user", db, keyfile, &sv)))
		return 1;
	ctx_begin(&cx, &sv, NULL);
	rc = account_add(&cx, &u);
	if (rc == 0 && *tid) {
		rc = STORE_CALL(st, listing_claim, u.id, tid, "", at);
		if (rc == STORE_EXISTS) {
			fprintf(stderr, "chiron user: listing %s is already claimed\n", tid);
			rc = 1;
		}
		/* The operator vouches for this link: it is verified, by "cli". */
		if (rc == 0) {
			int found = 0;

			rc = STORE_CALL(st, listing_verify, tid, 0, CLI_VERIFIED_HOW,
			                at, &found);
		}
	}
	if (rc == 0 && totp) {
		struct arena a;
		struct ctx tcx;

		arena_init(&a, 4096);
		ctx_begin(&tcx, &sv, &a);
		rc = sf_set_secret(&tcx, u.id, totp);
		ctx_done(&tcx);
		arena_free(&a);
	}
	if (rc == STORE_EXISTS)
		fprintf(stderr, "chiron user: %s or %s already has an account\n", handle, email);
	else if (rc)
		fprintf(stderr, "chiron user: %s\n", store_errmsg(st));
	else if (!from_stdin)
		printf("%s %s %s\n", role, handle, pw);
	sodium_memzero(pw, sizeof(pw));
	cli_close_sealed(&sv);
	return rc ? 1 : 0;
}
