/*
 * cmd_audit.c: `chiron audit verify`, the audit trail checked end to end
 * (app/audit.c has the design).
 *
 *   chiron audit verify [--db PATH] [--key-file FILE] [--checkpoints LOG]...
 *
 * Recomputes the trail's hash chain with the audit key (derived from the
 * key file, found as `chiron serve` finds it: --key-file, else
 * CHIRON_KEY_FILE, else chiron.key beside the database) and, with
 * --checkpoints, compares it with every checkpoint line of the server's
 * log (any number of logs). Intact: one line on stdout, exit 0. Otherwise
 * a sentence per problem on stderr naming the entry (deleted, changed,
 * rewritten after a checkpoint, cut off before one), exit 1.
 *
 *   chiron audit checkpoint [--db PATH] [--key-file FILE]
 *
 * Writes the head's checkpoint line to stdout (for a cron job when no
 * server runs; a server writes its own).
 *
 *   chiron audit list [--db PATH] [--key-file FILE] [--after SEQ]
 *
 * The operator's reading of the whole trail, details opened with the key:
 * one entry a line, tab-separated,
 *
 *   SEQ TIME KIND WHAT ACTOR SUBJECT RECORD ADDR
 *
 * TIME in UTC (RFC 3339); ACTOR ROLE:ACCOUNT, with @LISTING for a
 * therapist (cli:0 the command line, -:0 no one signed in); SUBJECT the
 * account whose data it was (0: no one's); RECORD or -; ADDR the first 8
 * bytes of the address's keyed hash (equal addresses, equal hashes), or -.
 * A detail that does not open (its key destroyed) shows ? for ACTOR and
 * SUBJECT.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/audit_line.h"
#include "app/audit.h"
#include "app/ctx.h"
#include "app/seal.h"
#include "app/services.h"
#include "cli/cli.h"
#include "store/store.h"

static int
usage_audit(void)
{
	fprintf(stderr, "usage: chiron audit verify [--db PATH] [--key-file FILE] [--checkpoints LOG]...\n"
	                "       chiron audit checkpoint [--db PATH] [--key-file FILE]\n"
	                "       chiron audit list [--db PATH] [--key-file FILE] [--after SEQ]\n");
	return 2;
}

static int
print_entry(void *arg, const struct audit_opened *e)
{
	char when[32];
	time_t t = (time_t)e->at;
	struct tm tm;

	(void)arg;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%lld\t%s\t%s\t%s\t", (long long)e->seq, when, e->kind, e->what);
	if (!e->opened)
		printf("?\t?\t");
	else
		printf("%s:%lld%s%s\t%lld\t", e->role[0] ? (e->actor ? e->role : "cli") : "-",
		       (long long)e->actor, e->listing[0] ? "@" : "", e->listing, (long long)e->subject);
	printf("%s\t%s\n", e->opened && e->record[0] ? e->record : "-", e->has_addr ? e->addr : "-");
	return ferror(stdout) ? 1 : 0;
}

struct checks {
	struct audit_check *v;
	int n, cap;
	long damaged;
};

/* Every checkpoint line of the log at path into c; -1 when it cannot be read. */
static int
read_checkpoints(const char *path, struct checks *c)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long no = 0;

	if (!f) {
		fprintf(stderr, "chiron audit verify: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct audit_check k;
		int r = audit_line_parse(line, (size_t)len, &k.seq, k.hash);

		no++;
		if (r < 0) {
			fprintf(stderr, "chiron audit verify: %s, line %ld: a checkpoint line that does not "
			        "read (the log was changed there)\n", path, no);
			c->damaged++;
		} else if (r > 0) {
			if (c->n == c->cap) {
				int ncap = c->cap ? c->cap * 2 : 64;
				struct audit_check *v = realloc(c->v, (size_t)ncap * sizeof(*v));

				if (!v) {
					fprintf(stderr, "chiron audit verify: out of memory\n");
					free(line);
					fclose(f);
					return -1;
				}
				c->v = v;
				c->cap = ncap;
			}
			c->v[c->n++] = k;
		}
	}
	free(line);
	fclose(f);
	return 0;
}

static void
say_problem(void *arg, enum audit_problem p, int64_t from, int64_t to, const char *sentence)
{
	(void)arg;
	(void)p;
	(void)from;
	(void)to;
	fprintf(stderr, "chiron audit verify: %s\n", sentence);
}

int
cmd_audit(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *keyfile = NULL, *verb;
	struct checks c = {NULL, 0, 0, 0};
	struct services sv;
	struct audit_verdict v;
	struct store *st;
	char hex[65];
	long long after = 0;
	int i, rc = 1;

	if (argc < 2)
		return usage_audit();
	verb = argv[1];
	if (strcmp(verb, "verify") != 0 && strcmp(verb, "checkpoint") != 0 && strcmp(verb, "list") != 0)
		return usage_audit();
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--key-file") == 0 && i + 1 < argc)
			keyfile = argv[++i];
		else if (strcmp(argv[i], "--after") == 0 && i + 1 < argc && verb[0] == 'l') {
			char *end;

			errno = 0;
			after = strtoll(argv[++i], &end, 10);
			if (errno || *end || after < 0 || end == argv[i]) {
				fprintf(stderr, "chiron audit list: --after \"%s\": give an entry's number\n",
				        argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--checkpoints") == 0 && i + 1 < argc && verb[0] == 'v') {
			if (read_checkpoints(argv[++i], &c)) {
				free(c.v);
				return 1;
			}
		} else {
			free(c.v);
			return usage_audit();
		}
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "chiron audit: libsodium could not start\n");
		free(c.v);
		return 1;
	}
	/* The key file as `chiron serve` finds it: --key-file, CHIRON_KEY_FILE, beside the db. */
	if (!(st = cli_open_sealed("audit", db, keyfile, &sv))) {
		free(c.v);
		return 1;
	}
	if (strcmp(verb, "list") == 0) {
		struct arena a;
		struct ctx cx;
		struct actor who;
		struct refusal why;

		arena_init(&a, 1 << 14);
		ctx_begin(&cx, &sv, &a);
		actor_system(&who);
		if (audit_list(&cx, &who, after, print_entry, NULL, &why))
			fprintf(stderr, "chiron audit list: %s\n", store_errmsg(st));
		else if (fflush(stdout) == 0)
			rc = 0;
		arena_free(&a);
		goto stop;
	}
	if (strcmp(verb, "checkpoint") == 0) {
		if (audit_checkpoint(&sv, stdout)) {
			fprintf(stderr, "chiron audit checkpoint: %s\n", store_errmsg(st));
			goto stop;
		}
		rc = 0;
		goto stop;
	}
	if (audit_verify(&sv, c.v, c.n, &v, say_problem, NULL)) {
		fprintf(stderr, "chiron audit verify: %s\n", store_errmsg(st));
		goto stop;
	}
	if (v.problems || c.damaged) {
		fprintf(stderr, "chiron audit verify: the audit trail was tampered with: %ld problem%s "
		        "in %lld entr%s read\n", v.problems + c.damaged,
		        v.problems + c.damaged == 1 ? "" : "s", (long long)v.entries,
		        v.entries == 1 ? "y" : "ies");
		goto stop;
	}
	sodium_bin2hex(hex, sizeof(hex), v.head_hash, sizeof(v.head_hash));
	if (v.entries == 0)
		printf("the audit trail is empty\n");
	else if (c.n)
		printf("the audit trail is intact: %lld entr%s, the last %lld (%s); %d checkpoint%s "
		       "matched\n", (long long)v.entries, v.entries == 1 ? "y" : "ies",
		       (long long)v.head, hex, v.checkpoints, v.checkpoints == 1 ? "" : "s");
	else
		printf("the audit trail is intact: %lld entr%s, the last %lld (%s)\n",
		       (long long)v.entries, v.entries == 1 ? "y" : "ies", (long long)v.head, hex);
	rc = 0;
stop:
	cli_close_sealed(&sv);
	free(c.v);
	return rc;
}
