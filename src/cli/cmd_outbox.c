/*
 * cmd_outbox.c: `chiron outbox add`, hidden: a message put in the outbox
 * as the server would (sealed with the mail key), for tests that need
 * rows the web does not make (an injected header, a message a day old).
 *
 *   chiron outbox add [--db PATH] [--mail-key FILE] --to ADDR --subject S
 *                     --body B [--created-at UNIX]
 *
 * Prints the new message's id. The key file is found, created and checked
 * as `chiron serve` does (app/mail_key.h).
 *
 *   chiron outbox wait [--db PATH] [--mail-key FILE] [--seconds N]
 *
 * Waits until no message of the outbox is still untried (a running
 * server's mailer has sent, or failed once, everything written before the
 * call), polling the store; exits 0 then, or 1 after N seconds (120). The
 * suites read the mail delivered to --mail-dir after it (tests/lib/mail.sh),
 * through the store, never the database's tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app/mail_key.h"
#include "cli/cli.h"
#include "store/store.h"

static int
usage_outbox(void)
{
	fprintf(stderr, "usage: chiron outbox add [--db PATH] [--mail-key FILE] --to ADDR "
	                "--subject S --body B [--created-at UNIX]\n"
	                "       chiron outbox wait [--db PATH] [--mail-key FILE] [--seconds N]\n");
	return 2;
}

/* Counts the messages never tried. */
static int
count_untried(void *arg, const struct store_mail *m)
{
	if (m->attempts == 0)
		++*(long *)arg;
	return 0;
}

/* Opens db with the mail key of keyfile (or the default beside it). */
static struct store *
open_sealed(const char *db, const char *keyfile)
{
	unsigned char key[STORE_MAIL_KEY_BYTES];
	char path[1024], err[1200];
	struct store *st;
	int made, rc;

	if (sodium_init() < 0) {
		fprintf(stderr, "chiron outbox: libsodium could not start\n");
		return NULL;
	}
	if (!keyfile)
		mail_key_default(db, path, sizeof(path));
	else
		snprintf(path, sizeof(path), "%s", keyfile);
	st = store_open(db, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "chiron outbox: %s\n", err);
		return NULL;
	}
	if (mail_key_load(path, key, &made, err, sizeof(err))) {
		fprintf(stderr, "chiron outbox: %s\n", err);
		store_close(st);
		return NULL;
	}
	rc = STORE_CALL(st, set_mail_key, key);
	sodium_memzero(key, sizeof(key));
	if (rc) {
		fprintf(stderr, "chiron outbox: %s\n", store_errmsg(st));
		store_close(st);
		return NULL;
	}
	return st;
}

static int
outbox_wait(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *keyfile = NULL;
	long seconds = 120, polls;
	struct store *st;
	char *end;
	int i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--mail-key") == 0 && i + 1 < argc)
			keyfile = argv[++i];
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			seconds = strtol(argv[++i], &end, 10);
			if (*end || seconds < 0)
				return usage_outbox();
		} else
			return usage_outbox();
	}
	st = open_sealed(db, keyfile);
	if (!st)
		return 1;
	/* Every unsent message is due at a time far ahead: count the untried. */
	for (polls = seconds * 20; ; polls--) {
		long n = 0;
		struct timespec nap = {0, 50 * 1000 * 1000};

		if (STORE_CALL(st, outbox_pending, (int64_t)time(NULL) + 3650 * 86400, 1, 1000000,
		               count_untried, &n) < 0) {
			fprintf(stderr, "chiron outbox: %s\n", store_errmsg(st));
			break;
		}
		if (n == 0) {
			store_close(st);
			return 0;
		}
		if (polls <= 0) {
			fprintf(stderr, "chiron outbox: %ld message%s still untried after %ld s\n", n,
			        n == 1 ? "" : "s", seconds);
			break;
		}
		nanosleep(&nap, NULL);
	}
	store_close(st);
	return 1;
}

int
cmd_outbox(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *keyfile = NULL, *to = NULL, *subject = NULL, *body = NULL;
	int64_t created = (int64_t)time(NULL), id = 0;
	unsigned char key[STORE_MAIL_KEY_BYTES];
	char path[1024], err[1200], *end;
	struct store *st;
	int i, made, rc;

	if (argc >= 2 && strcmp(argv[1], "wait") == 0)
		return outbox_wait(argc, argv);
	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return usage_outbox();
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--mail-key") == 0 && i + 1 < argc)
			keyfile = argv[++i];
		else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			to = argv[++i];
		else if (strcmp(argv[i], "--subject") == 0 && i + 1 < argc)
			subject = argv[++i];
		else if (strcmp(argv[i], "--body") == 0 && i + 1 < argc)
			body = argv[++i];
		else if (strcmp(argv[i], "--created-at") == 0 && i + 1 < argc) {
			created = strtoll(argv[++i], &end, 10);
			if (*end)
				return usage_outbox();
		} else
			return usage_outbox();
	}
	if (!to || !subject || !body)
		return usage_outbox();
	if (sodium_init() < 0) {
		fprintf(stderr, "chiron outbox: libsodium could not start\n");
		return 1;
	}
	if (!keyfile)
		mail_key_default(db, path, sizeof(path));
	else
		snprintf(path, sizeof(path), "%s", keyfile);
	st = store_open(db, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "chiron outbox: %s\n", err);
		return 1;
	}
	if (mail_key_load(path, key, &made, err, sizeof(err))) {
		fprintf(stderr, "chiron outbox: %s\n", err);
		store_close(st);
		return 1;
	}
	rc = STORE_CALL(st, set_mail_key, key) ||
	     STORE_CALL(st, outbox_put, to, subject, body, created, &id);
	sodium_memzero(key, sizeof(key));
	if (rc)
		fprintf(stderr, "chiron outbox: %s\n", store_errmsg(st));
	else
		printf("%lld\n", (long long)id);
	store_close(st);
	return rc ? 1 : 0;
}
