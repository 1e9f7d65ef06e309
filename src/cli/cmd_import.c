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

int
cmd_import(int argc, char **argv)
{
	const struct taxonomy *tax = cli_taxonomy();
	const char *db = DEFAULT_DB, *path = NULL;
	struct store *st = NULL;
	struct arena a;
	struct strmap seen;
	struct buf packed = BUF_INIT;
	struct progress pr;
	struct verr e;
	struct stat sb;
	FILE *in = NULL;
	char *line = NULL, err[600];
	size_t cap = 0;
	ssize_t n;
	long lineno = 0, orgs = 0, therapists = 0, deletes = 0, missing = 0;
	int64_t bytes = 0;
	int i, rc = 1, in_tx = 0;

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
	in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!in) {
		fprintf(stderr, "chiron import: %s: %s\n", path, strerror(errno));
		return 1;
	}
	st = store_open(db, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "chiron import: %s\n", err);
		goto out_nostore;
	}
	arena_init(&a, 16384);
	strmap_init(&seen);
	progress_start(&pr, fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode) ? sb.st_size : 0);
	if (store_begin(st)) {
		fprintf(stderr, "chiron import: %s\n", store_errmsg(st));
		goto out;
	}
	in_tx = 1;
	while ((n = getline(&line, &cap, in)) > 0) {
		struct record r;
		uint32_t *first;
		int added;

		lineno++;
		bytes += n;
		if (n > LINE_MAX_BYTES) {
			fprintf(stderr, "line %ld: the line is %zd bytes long; a record may be at most %d bytes\n",
			        lineno, n, LINE_MAX_BYTES);
			goto out;
		}
		if (blank(line, (size_t)n))
			continue;
		arena_reset(&a);
		if (record_parse(tax, line, (size_t)n, &a, &r, &e)) {
			if (e.field[0])
				fprintf(stderr, "line %ld: %s: %s\n", lineno, e.field, e.msg);
			else
				fprintf(stderr, "line %ld: %s\n", lineno, e.msg);
			goto out;
		}
		first = strmap_put(&seen, r.id, (uint32_t)lineno, &added);
		if (!first) {
			fprintf(stderr, "line %ld: out of memory\n", lineno);
			goto out;
		}
		if (!added) {
			fprintf(stderr, "line %ld: id: \"%s\" appears twice in this file (first on line %u)\n",
			        lineno, r.id, *first);
			goto out;
		}
		switch (r.type) {
		case REC_ORG: {
			struct store_org o = {r.org.id, r.org.name,
				tax_code(tax, TAX_ORG_KIND, r.org.kind),
				r.org.jurisdiction >= 0 ?
				tax_code(tax, TAX_JURISDICTION, r.org.jurisdiction) : NULL};

			if (store_put_org(st, &o))
				goto store_fail;
			orgs++;
			break;
		}
		case REC_THERAPIST:
			buf_reset(&packed);
			if (therapist_pack(tax, &r.t, &packed)) {
				fprintf(stderr, "line %ld: out of memory\n", lineno);
				goto out;
			}
			if (store_put_therapist(st, r.id, packed.p, packed.len))
				goto store_fail;
			therapists++;
			break;
		case REC_DELETE: {
			int found;

			if (store_remove(st, r.id, &found))
				goto store_fail;
			deletes++;
			missing += !found;
			break;
		}
		}
		progress_update(&pr, lineno, bytes);
	}
	if (ferror(in)) {
		fprintf(stderr, "chiron import: %s: %s (after line %ld)\n", path, strerror(errno), lineno);
		goto out;
	}
	if (store_commit(st))
		goto store_fail;
	in_tx = 0;
	progress_end(&pr);
	{
		double el = now_seconds() - pr.t0;

		fprintf(stderr, "imported %ld organizations, %ld therapists, %ld deletions",
		        orgs, therapists, deletes);
		if (missing)
			fprintf(stderr, " (%ld of them named no stored record)", missing);
		fprintf(stderr, " in %.2f s (%.0f records/s)\n", el,
		        el > 0 ? (double)(orgs + therapists + deletes) / el : 0.0);
	}
	rc = 0;
	goto out;
store_fail:
	fprintf(stderr, "line %ld: %s\n", lineno, store_errmsg(st));
out:
	progress_end(&pr);
	if (in_tx && store_rollback(st))
		fprintf(stderr, "chiron import: rollback failed: %s\n", store_errmsg(st));
	if (rc && in_tx)
		fprintf(stderr, "chiron import: nothing was imported; the store is unchanged\n");
	store_close(st);
	arena_free(&a);
	strmap_free(&seen);
	buf_free(&packed);
out_nostore:
	free(line);
	if (in && in != stdin)
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
