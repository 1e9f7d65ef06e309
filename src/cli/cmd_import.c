/*
 * cmd_import.c: `chiron import` and `chiron export`.
 *
 * Import reads JSON Lines (section 1 of the contract) into the store in one
 * transaction: every line is validated, ids may not repeat within a file,
 * and the first bad line rolls everything back and is reported as
 * "line N: field: reason" with exit status 1. Export writes the directory
 * back, organizations first, in id order, as JSON Lines that re-import to
 * the same state.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "core/record.h"
#include "core/strmap.h"
#include "store/store.h"

#define LINE_MAX_BYTES (1 << 20)

static int
usage_import(void)
{
	fprintf(stderr, "usage: chiron import [--db PATH] FILE|-\n");
	return 2;
}

/* Skips lines of nothing but whitespace. */
static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* ----------------------------------------------------------------------
 * The import pipeline
 *
 * Parsing and validating a line costs more than storing it, so lines are
 * read in batches by the main thread, parsed by worker threads (one per
 * core), and stored by the main thread in file order. A batch is
 * BATCH_LINES lines; at most IN_FLIGHT batches are out at once. The first
 * bad line in file order stops everything; nothing after it is stored,
 * and the transaction is rolled back.
 * ---------------------------------------------------------------------- */

#define BATCH_LINES 512
#define IN_FLIGHT 8
#define MAX_WORKERS 8

struct parsed {
	enum rec_type type;
	const char *id;
	struct store_org org;
	size_t packed_off, packed_len;
	bool bad;
	char err[600];
};

struct batch {
	long first_line;                /* line number of text line 0 */
	int n;                          /* lines */
	long lineno[BATCH_LINES];       /* each line's number in the file */
	size_t off[BATCH_LINES + 1];    /* line i is text[off[i] .. off[i+1]) */
	struct buf text;
	struct parsed rec[BATCH_LINES];
	struct buf packed;
	struct arena a;
	int done;                       /* parsed (under the pipeline lock) */
	char read_err[200];             /* after the n lines: a line that could not be read */
};

struct pipeline {
	const struct taxonomy *tax;
	pthread_mutex_t lock;
	pthread_cond_t work, ready;
	struct batch *queue[IN_FLIGHT]; /* batches waiting for a worker */
	int qhead, qlen;
	int stop;
};

static void
parse_batch(const struct taxonomy *tax, struct batch *b)
{
	int i;

	arena_reset(&b->a);
	buf_reset(&b->packed);
	for (i = 0; i < b->n; i++) {
		struct parsed *p = &b->rec[i];
		struct record r;
		struct verr e;

		memset(p, 0, sizeof(*p));
		if (record_parse(tax, b->text.p + b->off[i], b->off[i + 1] - b->off[i],
		                 &b->a, &r, &e)) {
			p->bad = true;
			if (e.field[0])
				snprintf(p->err, sizeof(p->err), "%s: %s", e.field, e.msg);
			else
				snprintf(p->err, sizeof(p->err), "%s", e.msg);
			/* Nothing after the first bad line matters. */
			b->n = i + 1;
			return;
		}
		p->type = r.type;
		p->id = r.id;
		if (r.type == REC_ORG) {
			p->org.id = r.org.id;
			p->org.name = r.org.name;
			p->org.kind = tax_code(tax, TAX_ORG_KIND, r.org.kind);
			p->org.jurisdiction = r.org.jurisdiction >= 0 ?
				tax_code(tax, TAX_JURISDICTION, r.org.jurisdiction) : NULL;
		} else if (r.type == REC_THERAPIST) {
			p->packed_off = b->packed.len;
			if (therapist_pack(tax, &r.t, &b->packed)) {
				p->bad = true;
				snprintf(p->err, sizeof(p->err), "out of memory");
				b->n = i + 1;
				return;
			}
			p->packed_len = b->packed.len - p->packed_off;
		}
	}
}

static void *
worker(void *arg)
{
	struct pipeline *pl = arg;

	pthread_mutex_lock(&pl->lock);
	for (;;) {
		struct batch *b;

		while (!pl->stop && pl->qlen == 0)
			pthread_cond_wait(&pl->work, &pl->lock);
		if (pl->stop && pl->qlen == 0)
			break;
		b = pl->queue[pl->qhead];
		pl->qhead = (pl->qhead + 1) % IN_FLIGHT;
		pl->qlen--;
		pthread_mutex_unlock(&pl->lock);
		parse_batch(pl->tax, b);
		pthread_mutex_lock(&pl->lock);
		b->done = 1;
		pthread_cond_broadcast(&pl->ready);
	}
	pthread_mutex_unlock(&pl->lock);
	return NULL;
}

/*
 * Reads up to BATCH_LINES non-blank lines into b and returns how many. A
 * line that cannot be taken (too long, a read error) ends the batch with
 * b->read_err set: it is reported only after the lines before it, so the
 * first bad line in file order is the one named.
 */
static int
read_batch(FILE *in, struct batch *b, long *lineno, int64_t *bytes,
           char **line, size_t *cap)
{
	ssize_t n;

	b->n = 0;
	b->done = 0;
	b->read_err[0] = '\0';
	buf_reset(&b->text);
	while (b->n < BATCH_LINES && (n = getline(line, cap, in)) > 0) {
		++*lineno;
		*bytes += n;
		if (n > LINE_MAX_BYTES) {
			snprintf(b->read_err, sizeof(b->read_err),
			         "line %ld: the line is %zd bytes long; a record may be at most %d bytes",
			         *lineno, n, LINE_MAX_BYTES);
			break;
		}
		if (blank(*line, (size_t)n))
			continue;
		b->off[b->n] = b->text.len;
		b->lineno[b->n] = *lineno;
		if (buf_add(&b->text, *line, (size_t)n)) {
			snprintf(b->read_err, sizeof(b->read_err), "line %ld: out of memory", *lineno);
			break;
		}
		b->n++;
	}
	b->off[b->n] = b->text.len;
	if (!b->read_err[0] && ferror(in))
		snprintf(b->read_err, sizeof(b->read_err), "read error after line %ld: %s",
		         *lineno, strerror(errno));
	return b->n;
}

struct counts {
	long orgs, therapists, deletes, missing;
};

/* Stores a parsed batch in order. 0, or -1 after saying why on stderr. */
static int
store_batch(struct store *st, struct batch *b, struct strmap *seen,
            struct counts *c)
{
	int i;

	for (i = 0; i < b->n; i++) {
		struct parsed *p = &b->rec[i];
		uint32_t *first;
		int added, rc = 0;

		if (p->bad) {
			fprintf(stderr, "line %ld: %s\n", b->lineno[i], p->err);
			return -1;
		}
		first = strmap_put(seen, p->id, (uint32_t)b->lineno[i], &added);
		if (!first) {
			fprintf(stderr, "line %ld: out of memory\n", b->lineno[i]);
			return -1;
		}
		if (!added) {
			fprintf(stderr, "line %ld: id: \"%s\" appears twice in this file (first on line %u)\n",
			        b->lineno[i], p->id, *first);
			return -1;
		}
		switch (p->type) {
		case REC_ORG:
			rc = store_put_org(st, &p->org);
			c->orgs++;
			break;
		case REC_THERAPIST:
			rc = store_put_therapist(st, p->id, b->packed.p + p->packed_off,
			                         p->packed_len);
			c->therapists++;
			break;
		case REC_DELETE: {
			int found = 0;

			rc = store_remove(st, p->id, &found);
			c->deletes++;
			c->missing += !found;
			break;
		}
		}
		if (rc) {
			fprintf(stderr, "line %ld: %s\n", b->lineno[i], store_errmsg(st));
			return -1;
		}
	}
	return 0;
}

int
cmd_import(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *path = NULL;
	struct pipeline pl;
	struct batch *batches = NULL;
	pthread_t threads[MAX_WORKERS];
	struct store *st = NULL;
	struct strmap seen;
	struct progress pr;
	struct counts cnt = {0, 0, 0, 0};
	struct stat sb;
	FILE *in = NULL;
	char *line = NULL, err[600];
	size_t cap = 0;
	long lineno = 0, cpus;
	int64_t bytes = 0;
	int i, rc = 1, in_tx = 0, nworkers = 0, head = 0, inflight = 0, eof = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "-") != 0)
			return usage_import();
		else if (!path)
			path = argv[i];
		else
			return usage_import();
	}
	if (!path)
		return usage_import();
	memset(&pl, 0, sizeof(pl));
	pl.tax = cli_taxonomy();
	in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!in) {
		fprintf(stderr, "chiron import: %s: %s\n", path, strerror(errno));
		return 1;
	}
	st = store_open(db, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "chiron import: %s\n", err);
		fclose(in);
		return 1;
	}
	strmap_init(&seen);
	batches = calloc(IN_FLIGHT, sizeof(*batches));
	if (!batches) {
		fprintf(stderr, "chiron import: out of memory\n");
		goto out;
	}
	for (i = 0; i < IN_FLIGHT; i++)
		arena_init(&batches[i].a, 1 << 16);
	pthread_mutex_init(&pl.lock, NULL);
	pthread_cond_init(&pl.work, NULL);
	pthread_cond_init(&pl.ready, NULL);
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	/* As many workers as cores: the storing thread is mostly waiting. */
	for (i = 0; i < (cpus > 1 ? cpus : 1) && i < MAX_WORKERS; i++)
		if (pthread_create(&threads[nworkers], NULL, worker, &pl) == 0)
			nworkers++;
	progress_start(&pr, fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode) ? sb.st_size : 0);
	if (store_begin(st)) {
		fprintf(stderr, "chiron import: %s\n", store_errmsg(st));
		goto out;
	}
	in_tx = 1;
	for (;;) {
		struct batch *b;

		/* Keep the workers fed. */
		while (!eof && inflight < IN_FLIGHT) {
			int k;

			b = &batches[(head + inflight) % IN_FLIGHT];
			k = read_batch(in, b, &lineno, &bytes, &line, &cap);
			if (b->read_err[0])
				eof = 1;        /* read no further; report in order */
			else if (k == 0) {
				eof = 1;
				break;
			}
			pthread_mutex_lock(&pl.lock);
			pl.queue[(pl.qhead + pl.qlen) % IN_FLIGHT] = b;
			pl.qlen++;
			pthread_cond_signal(&pl.work);
			pthread_mutex_unlock(&pl.lock);
			inflight++;
		}
		if (inflight == 0)
			break;
		/* Store the oldest batch when it is parsed. */
		b = &batches[head];
		pthread_mutex_lock(&pl.lock);
		while (!b->done)
			pthread_cond_wait(&pl.ready, &pl.lock);
		pthread_mutex_unlock(&pl.lock);
		if (store_batch(st, b, &seen, &cnt))
			goto out;
		if (b->read_err[0]) {
			fprintf(stderr, "%s\n", b->read_err);
			goto out;
		}
		head = (head + 1) % IN_FLIGHT;
		inflight--;
		progress_update(&pr, cnt.orgs + cnt.therapists + cnt.deletes, bytes);
	}
	if (store_commit(st)) {
		fprintf(stderr, "chiron import: %s\n", store_errmsg(st));
		goto out;
	}
	in_tx = 0;
	progress_end(&pr);
	{
		double el = now_seconds() - pr.t0;

		fprintf(stderr, "imported %ld organizations, %ld therapists, %ld deletions",
		        cnt.orgs, cnt.therapists, cnt.deletes);
		if (cnt.missing)
			fprintf(stderr, " (%ld of them named no stored record)", cnt.missing);
		fprintf(stderr, " in %.2f s (%.0f records/s)\n", el,
		        el > 0 ? (double)(cnt.orgs + cnt.therapists + cnt.deletes) / el : 0.0);
	}
	rc = 0;
out:
	progress_end(&pr);
	/* Let the workers finish what they hold, then stop them. */
	pthread_mutex_lock(&pl.lock);
	pl.stop = 1;
	pl.qlen = 0;
	pthread_cond_broadcast(&pl.work);
	pthread_mutex_unlock(&pl.lock);
	for (i = 0; i < nworkers; i++)
		pthread_join(threads[i], NULL);
	if (in_tx && store_rollback(st))
		fprintf(stderr, "chiron import: rollback failed: %s\n", store_errmsg(st));
	if (rc && in_tx)
		fprintf(stderr, "chiron import: nothing was imported; the store is unchanged\n");
	store_close(st);
	if (batches) {
		for (i = 0; i < IN_FLIGHT; i++) {
			arena_free(&batches[i].a);
			buf_free(&batches[i].text);
			buf_free(&batches[i].packed);
		}
		pthread_mutex_destroy(&pl.lock);
		pthread_cond_destroy(&pl.work);
		pthread_cond_destroy(&pl.ready);
	}
	free(batches);
	strmap_free(&seen);
	free(line);
	if (in != stdin)
		fclose(in);
	return rc;
}

/* ----------------------------------------------------------------------
 * Export
 * ---------------------------------------------------------------------- */

struct export_ctx {
	const struct taxonomy *tax;
	FILE *out;
	struct arena a;
	struct buf b;
	long n;
	char err[512];
};

static int
export_org(void *arg, const struct store_org *so)
{
	struct export_ctx *x = arg;
	struct org o = {so->id, so->name,
		(uint8_t)tax_find(x->tax, TAX_ORG_KIND, so->kind),
		(int16_t)(so->jurisdiction ? tax_find(x->tax, TAX_JURISDICTION, so->jurisdiction) : -1)};

	buf_reset(&x->b);
	if (org_to_json(x->tax, &o, &x->b) || buf_addc(&x->b, '\n') ||
	    fwrite(x->b.p, 1, x->b.len, x->out) != x->b.len) {
		snprintf(x->err, sizeof(x->err), "writing organization %s failed", so->id);
		return 1;
	}
	x->n++;
	return 0;
}

static int
export_therapist(void *arg, const char *id, const void *p, size_t n)
{
	struct export_ctx *x = arg;
	struct therapist t;
	struct verr e;

	arena_reset(&x->a);
	if (therapist_unpack(x->tax, p, n, &x->a, &t, &e)) {
		snprintf(x->err, sizeof(x->err), "therapist %s: %s", id, e.msg);
		return 1;
	}
	buf_reset(&x->b);
	if (therapist_to_json(x->tax, &t, &x->b) || buf_addc(&x->b, '\n') ||
	    fwrite(x->b.p, 1, x->b.len, x->out) != x->b.len) {
		snprintf(x->err, sizeof(x->err), "writing therapist %s failed", id);
		return 1;
	}
	x->n++;
	return 0;
}

int
cmd_export(int argc, char **argv)
{
	struct export_ctx x;
	const char *db = DEFAULT_DB, *path = "-";
	struct store *st;
	char err[600];
	int i, rc = 1;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (argv[i][0] != '-' || strcmp(argv[i], "-") == 0)
			path = argv[i];
		else {
			fprintf(stderr, "usage: chiron export [--db PATH] [FILE|-]\n");
			return 2;
		}
	}
	memset(&x, 0, sizeof(x));
	x.tax = cli_taxonomy();
	st = store_open(db, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "chiron export: %s\n", err);
		return 1;
	}
	x.out = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (!x.out) {
		fprintf(stderr, "chiron export: %s: %s\n", path, strerror(errno));
		store_close(st);
		return 1;
	}
	arena_init(&x.a, 16384);
	if (store_scan_orgs(st, export_org, &x) ||
	    store_scan_therapists(st, export_therapist, &x)) {
		fprintf(stderr, "chiron export: %s\n", x.err[0] ? x.err : store_errmsg(st));
		goto out;
	}
	if (fflush(x.out) != 0) {
		fprintf(stderr, "chiron export: %s: %s\n", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (x.out != stdout)
		fclose(x.out);
	store_close(st);
	arena_free(&x.a);
	buf_free(&x.b);
	return rc;
}
