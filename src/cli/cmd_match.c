/*
 * cmd_match.c: `chiron match`: one query from a file, or with --jsonl one
 * query a line, each answered on its own line and flushed at once, so that
 * another program can drive chiron through a pipe and time every query.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "app/directory.h"
#include "cli/progress.h"
#include "core/match.h"
#include "core/vec.h"

static int
usage_match(void)
{
	fprintf(stderr, "usage: chiron match [--db PATH] [--compacts FILE] [--jsonl] QUERY.json|-\n");
	return 2;
}

/* In-process times of the phases of each query, for --stats. */
struct phase_times {
	double *parse, *run, *json;
	size_t n, cap;
};

static void
times_add(struct phase_times *t, double parse, double run, double json)
{
	/* Three arrays of one length: each grows as the others did. */
	size_t a = t->cap, b = t->cap, c = t->cap;

	if (vec_grow(&t->parse, &a, t->n + 1, sizeof(double)) ||
	    vec_grow(&t->run, &b, t->n + 1, sizeof(double)) ||
	    vec_grow(&t->json, &c, t->n + 1, sizeof(double)))
		return;
	t->cap = c;
	t->parse[t->n] = parse;
	t->run[t->n] = run;
	t->json[t->n] = json;
	t->n++;
}

static double
mean_ms(const double *v, size_t n)
{
	double t = 0;
	size_t i;

	for (i = 0; i < n; i++)
		t += v[i];
	return n ? t / (double)n * 1e3 : 0;
}

/* Answers one query into out: the result, or {"error":...}. 0 if answered. */
static int
answer(const struct taxonomy *tax, struct match_ctx *mc, const char *text,
       size_t len, struct arena *a, struct buf *out, struct verr *e,
       struct phase_times *pt)
{
	struct query q;
	struct match_result r;
	double t0 = now_seconds(), t1, t2;

	arena_reset(a);
	if (query_parse(tax, text, len, (int64_t)time(NULL), a, &q, e) == 0) {
		t1 = now_seconds();
		if (match_run(mc, &q, &r)) {
			e->offset = -1;
			snprintf(e->field, sizeof(e->field), "%s", "");
			snprintf(e->msg, sizeof(e->msg), "out of memory");
		} else if (t2 = now_seconds(), match_result_json(mc, &q, &r, out) == 0) {
			if (pt)
				times_add(pt, t1 - t0, t2 - t1, now_seconds() - t2);
			return 0;
		}
	}
	buf_reset(out);
	buf_adds(out, "{\"error\":{\"field\":");
	buf_json_strz(out, e->field);
	buf_adds(out, ",\"message\":");
	buf_json_strz(out, e->msg);
	buf_adds(out, "}}");
	return -1;
}

int
cmd_match(int argc, char **argv)
{
	const struct taxonomy *tax = cli_taxonomy();
	const char *db = DEFAULT_DB, *cpath = NULL, *path = NULL;
	struct compacts cx;
	struct store *st;
	struct index *ix = NULL;
	struct match_ctx *mc = NULL;
	struct arena a;
	struct buf out = BUF_INIT;
	struct verr e;
	char err[600];
	struct phase_times pt = {0};
	int i, jsonl = 0, stats = 0, rc = 1;
	double t0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--compacts") == 0 && i + 1 < argc)
			cpath = argv[++i];
		else if (strcmp(argv[i], "--jsonl") == 0)
			jsonl = 1;
		else if (strcmp(argv[i], "--stats") == 0)
			stats = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return usage_match();
		else if (!path)
			path = argv[i];
		else
			return usage_match();
	}
	if (!path)
		return usage_match();
	if (directory_compacts(tax, cpath, &cx, err, sizeof(err))) {
		fprintf(stderr, "chiron match: %s\n", err);
		return 1;
	}
	st = store_open(db, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "chiron match: %s\n", err);
		return 1;
	}
	t0 = now_seconds();
	ix = directory_index(st, tax, &cx, err, sizeof(err));
	store_close(st);
	if (!ix) {
		fprintf(stderr, "chiron match: %s: %s\n", db, err);
		return 1;
	}
	mc = match_ctx_new(ix);
	if (!mc) {
		fprintf(stderr, "chiron match: out of memory\n");
		goto out;
	}
	if (stats) {
		fprintf(stderr, "{\"therapists\":%u,\"organizations\":%u,\"index_build_s\":%.3f,\"rss_mib\":%.1f}\n",
		        ix->n, ix->n_orgs, now_seconds() - t0, rss_mib());
		fflush(stderr);
	}
	arena_init(&a, 65536);
	if (jsonl) {
		FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		long lineno = 0, bad = 0;

		if (!in) {
			fprintf(stderr, "chiron match: %s: %s\n", path, strerror(errno));
			arena_free(&a);
			goto out;
		}
		while ((n = getline(&line, &cap, in)) > 0) {
			lineno++;
			buf_reset(&out);
			if (answer(tax, mc, line, (size_t)n, &a, &out, &e, stats ? &pt : NULL)) {
				bad++;
				fprintf(stderr, "line %ld: %s%s%s\n", lineno, e.field,
				        e.field[0] ? ": " : "", e.msg);
			}
			buf_addc(&out, '\n');
			if (!out.p || fwrite(out.p, 1, out.len, stdout) != out.len ||
			    fflush(stdout) != 0) {
				fprintf(stderr, "chiron match: writing the result: %s\n", strerror(errno));
				bad++;
				break;
			}
		}
		free(line);
		if (in != stdin)
			fclose(in);
		rc = bad ? 1 : 0;
		if (stats && pt.n)
			fprintf(stderr, "{\"queries\":%zu,\"match_mean_ms\":%.3f,\"parse_p50_ms\":%.3f,\"match_p50_ms\":%.3f,"
			        "\"match_p99_ms\":%.3f,\"match_max_ms\":%.3f,\"json_p50_ms\":%.3f,\"json_p99_ms\":%.3f}\n",
			        pt.n, mean_ms(pt.run, pt.n), cli_quantile_ms(pt.parse, pt.n, 0.5), cli_quantile_ms(pt.run, pt.n, 0.5),
			        cli_quantile_ms(pt.run, pt.n, 0.99), cli_quantile_ms(pt.run, pt.n, 1.0),
			        cli_quantile_ms(pt.json, pt.n, 0.5), cli_quantile_ms(pt.json, pt.n, 0.99));
		free(pt.parse);
		free(pt.run);
		free(pt.json);
	} else {
		size_t len;
		char *text = app_read_file(path, &len, err, sizeof(err));

		if (!text) {
			fprintf(stderr, "chiron match: %s\n", err);
		} else if (answer(tax, mc, text, len, &a, &out, &e, NULL)) {
			fprintf(stderr, "chiron match: %s%s%s\n", e.field, e.field[0] ? ": " : "", e.msg);
		} else {
			buf_addc(&out, '\n');
			rc = fwrite(out.p, 1, out.len, stdout) == out.len && fflush(stdout) == 0 ? 0 : 1;
		}
		free(text);
	}
	arena_free(&a);
out:
	buf_free(&out);
	match_ctx_free(mc);
	index_free(ix);
	return rc;
}
