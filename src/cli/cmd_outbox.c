/*
 * cmd_outbox.c: `chiron outbox add`, hidden: a message put in the outbox
 * as the server would (sealed with the mail key), for tests that need
 * rows the web does not make (an injected header, a message a day old).
 *
 *   chiron outbox add [--db PATH] [--mail-key FILE] --to ADDR --subject S
 *                     --body B [--created-at UNIX] [--tried N [--tried-at UNIX]]
 *
 * Prints the new message's id. --tried records N failed tries at
 * --tried-at (default: --created-at) as the mailer would (the error
 * "seeded"; the last of STORE_OUTBOX_MAX_ATTEMPTS erases it), for a
 * message part-way through its back-off. The key file is found, created and checked
 * as `chiron serve` does (app/mail_key.h).
 *
 *   chiron outbox wait [--db PATH] [--mail-key FILE] [--seconds N]
 *
 * Waits until no message of the outbox is still untried (a running
 * server's mailer has sent, or failed once, everything written before the
 * call), polling the store; exits 0 then, or 1 after N seconds (120). The
 * suites read the mail delivered to --mail-dir after it (tests/lib/mail.sh),
 * through the store, never the database's tables.
 *
 *   chiron outbox list [--db PATH]
 *
 * One line a message of the outbox, by id, for the suites to see what
 * became of each (tests/smtp.sh, tests/security_mail.sh):
 *
 *   ID STATE ATTEMPTS SEALED CLEAR SAMPLE TRIED ERROR...
 *
 * STATE sent or unsent; SEALED the sealed message's bytes (0 once
 * erased); CLEAR 1 when a recipient, subject or body is kept in the clear;
 * SAMPLE 32 bytes of the sealed ciphertext in hex (from byte 24, past the
 * nonce), for a scan of the files once it is erased, or -; TRIED the
 * last try's time (0: never); ERROR the last error, or -, any word with
 * an @ in it replaced. Never a recipient, a subject or a body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app/ctx.h"
#include "cli/cli.h"
#include "store/store.h"

static int
usage_outbox(void)
{
	fprintf(stderr, "usage: chiron outbox add [--db PATH] [--mail-key FILE] --to ADDR "
	                "--subject S --body B [--created-at UNIX] [--tried N [--tried-at UNIX]]\n"
	                "       chiron outbox wait [--db PATH] [--mail-key FILE] [--seconds N]\n"
	                "       chiron outbox list [--db PATH]\n");
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

/* Opens db with the key file keyfile (or the default beside it). */
static struct services outbox_sv;

static struct store *
open_sealed(const char *db, const char *keyfile)
{
	return cli_open_sealed("outbox", db, keyfile, &outbox_sv);
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
			cli_close_sealed(&outbox_sv);
			return 0;
		}
		if (polls <= 0) {
			fprintf(stderr, "chiron outbox: %ld message%s still untried after %ld s\n", n,
			        n == 1 ? "" : "s", seconds);
			break;
		}
		nanosleep(&nap, NULL);
	}
	cli_close_sealed(&outbox_sv);
	return 1;
}

static int
print_row(void *arg, const struct store_outbox_row *r)
{
	const char *e = r->last_error, *w;
	size_t i;

	(void)arg;
	printf("%lld %s %d %zu %d ", (long long)r->id, r->sent_at ? "sent" : "unsent", r->attempts,
	       r->sealed ? r->sealed_n : 0, r->clear);
	if (r->sealed && r->sealed_n >= 56)
		for (i = 24; i < 56; i++)
			printf("%02x", r->sealed[i]);
	else
		fputs("-", stdout);
	printf(" %lld ", (long long)r->tried_at);
	if (!*e)
		fputs("-", stdout);
	/* The error, word by word: one naming an address is left out. */
	while (*e) {
		size_t n = strcspn(e, " ");

		w = memchr(e, '@', n);
		if (w)
			fputs("[address]", stdout);
		else
			fwrite(e, 1, n, stdout);
		e += n;
		for (; *e == ' '; e++)
			if (e[1] && e[1] != ' ')
				fputc(' ', stdout);
	}
	fputc('\n', stdout);
	return 0;
}

static int
outbox_list(int argc, char **argv)
{
	const char *db = DEFAULT_DB;
	char err[1200];
	struct store *st;
	int i, rc;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else
			return usage_outbox();
	}
	st = store_open(db, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "chiron outbox: %s\n", err);
		return 1;
	}
	rc = STORE_CALL(st, outbox_list, print_row, NULL);
	if (rc)
		fprintf(stderr, "chiron outbox: %s\n", store_errmsg(st));
	cli_close_sealed(&outbox_sv);
	return rc ? 1 : 0;
}

int
cmd_outbox(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *keyfile = NULL, *to = NULL, *subject = NULL, *body = NULL;
	int64_t created = (int64_t)time(NULL), id = 0, tried_at = -1;
	long tried = 0;
	char *end;
	struct store *st;
	int i, rc;

	if (argc >= 2 && strcmp(argv[1], "wait") == 0)
		return outbox_wait(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return outbox_list(argc, argv);
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
		} else if (strcmp(argv[i], "--tried") == 0 && i + 1 < argc) {
			tried = strtol(argv[++i], &end, 10);
			if (*end || tried < 0 || tried > STORE_OUTBOX_MAX_ATTEMPTS)
				return usage_outbox();
		} else if (strcmp(argv[i], "--tried-at") == 0 && i + 1 < argc) {
			tried_at = strtoll(argv[++i], &end, 10);
			if (*end)
				return usage_outbox();
		} else
			return usage_outbox();
	}
	if (tried_at < 0)
		tried_at = created;
	if (!to || !subject || !body)
		return usage_outbox();
	st = open_sealed(db, keyfile);
	if (!st)
		return 1;
	rc = STORE_CALL(st, outbox_put, to, subject, body, created, &id);
	for (; rc == 0 && tried > 0; tried--)
		rc = STORE_CALL(st, outbox_failed, id, "seeded", tried_at);
	if (rc)
		fprintf(stderr, "chiron outbox: %s\n", store_errmsg(st));
	else
		printf("%lld\n", (long long)id);
	cli_close_sealed(&outbox_sv);
	return rc ? 1 : 0;
}
