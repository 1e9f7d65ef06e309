/*
 * cmd_bench_edit.c: `chiron bench-edit`: how soon a listing's edit is in
 * searches, on a directory already imported (make bench, step 3b).
 *
 *   chiron bench-edit --db PATH --queries FILE [--edits N] [--seed S]
 *                     [--compacts FILE] [--rebuilds R] [--json]
 *
 * What it does, in one process and one run, so that every figure has
 * its baseline beside it:
 *
 * 1. Opens the live directory of the store (app/live.c) as `chiron
 *    serve` does: the first full build, timed.
 * 2. N edits (default 200) of distinct therapists who are open, offer
 *    telehealth and may practice in a jurisdiction J: each record is read
 *    from the store, closed to new clients, saved with listing_save (the
 *    store call of a listing's save, WAL and synchronous=FULL as in
 *    production) and given to live_put (what app/listing.c does after
 *    the save). Then a match of {"jurisdiction": J, "modality":
 *    "telehealth"} must count one eligible fewer than just before the
 *    edit. Timed: the save, live_put, and from the save's start to the
 *    end of that match ("edit visible to search").
 * 3. Search latency, with the delta of those N changes and without it
 *    (a snapshot taken before the edits, held): every query of FILE run
 *    on both, alternately, match_run and the JSON as the API answers.
 * 4. The baseline: R full builds (default 2), each asked and waited for
 *    as a listing's save did before (live_changed and live_wait). The
 *    first carries the changes into its base; then every query's JSON
 *    over the new base (empty delta) must be byte-identical to its JSON
 *    over the old base with the delta.
 * 5. The delta's memory: the heap's growth inside live_put over the N
 *    edits (the changed records kept, the delta's index and its gone
 *    bitmap; each put frees the delta before it).
 *
 * Exits 0, or 1 when an edit is not seen or the answers differ.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/directory.h"
#include "app/live.h"
#include "cli/cli.h"
#include "core/buf.h"
#include "core/match.h"
#include "core/query.h"
#include "core/record.h"
#include "store/store.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The heap in use, mapped blocks included. */
static size_t
heap_now(void)
{
	struct mallinfo2 m = mallinfo2();

	return m.uordblks + m.hblkhd;
}

struct got {
	struct buf b;
};

static int
take_record(void *arg, const char *id, const void *p, size_t n)
{
	struct got *g = arg;

	(void)id;
	buf_reset(&g->b);
	return buf_add(&g->b, p, n) ? 1 : 0;
}

/* Runs q on mc: its count, and its JSON into out when out is not NULL. */
static int
run_ctx(struct match_ctx *mc, const struct query *q, long *total, struct buf *out)
{
	struct match_result r;
	int rc = match_run(mc, q, &r);

	if (rc == 0 && out)
		rc = match_result_json(mc, q, &r, out);
	if (rc == 0)
		*total = r.total_eligible;
	return rc;
}

/* The same on s, with a context taken for the query as a request does. */
static int
run_on(struct live *lv, struct snap *s, const struct query *q, long *total, struct buf *out)
{
	struct match_ctx *mc = live_ctx_take(lv, s);
	int rc;

	if (!mc)
		return -1;
	rc = run_ctx(mc, q, total, out);
	live_ctx_give(lv, s, mc);
	return rc;
}

static uint64_t rng_state;

static uint64_t
rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
usage_bench_edit(void)
{
	fprintf(stderr, "usage: chiron bench-edit --db PATH --queries FILE [--edits N] [--seed S] "
	                "[--compacts FILE] [--rebuilds R] [--json]\n");
	return 2;
}

int
cmd_bench_edit(int argc, char **argv)
{
	const struct taxonomy *tax = cli_taxonomy();
	const char *db = NULL, *qpath = NULL, *cpath = NULL;
	long n_edits = 200, rebuilds = 2, seed = 1;
	bool json = false;
	struct compacts cx;
	struct live *lv = NULL;
	struct snap *s0 = NULL, *sb = NULL, *sc = NULL;
	struct match_ctx *ma = NULL, *mb = NULL;
	struct store *st = NULL;
	char err[600], *text = NULL;
	size_t len = 0, n_q = 0, i;
	struct query *qs = NULL;
	struct arena qa, ra;
	struct buf *jb = NULL, one = BUF_INIT, two = BUF_INIT;
	double *t_save = NULL, *t_put = NULL, *t_seen = NULL, *t_vis = NULL, *lat_a = NULL, *lat_b = NULL;
	double t_open, t_rebuild[8];
	long seen = 0, differ = 0, r;
	long long heap_grown = 0;       /* by live_put: the changes and the delta */
	int64_t now = (int64_t)time(NULL);
	int rc = 1, j, nj, ai;
	uint32_t n_base = 0;

	for (ai = 1; ai < argc; ai++) {
		if (strcmp(argv[ai], "--db") == 0 && ai + 1 < argc)
			db = argv[++ai];
		else if (strcmp(argv[ai], "--queries") == 0 && ai + 1 < argc)
			qpath = argv[++ai];
		else if (strcmp(argv[ai], "--compacts") == 0 && ai + 1 < argc)
			cpath = argv[++ai];
		else if (strcmp(argv[ai], "--edits") == 0 && ai + 1 < argc)
			n_edits = strtol(argv[++ai], NULL, 10);
		else if (strcmp(argv[ai], "--rebuilds") == 0 && ai + 1 < argc)
			rebuilds = strtol(argv[++ai], NULL, 10);
		else if (strcmp(argv[ai], "--seed") == 0 && ai + 1 < argc)
			seed = strtol(argv[++ai], NULL, 10);
		else if (strcmp(argv[ai], "--json") == 0)
			json = true;
		else
			return usage_bench_edit();
	}
	if (!db || !qpath || n_edits < 1 || n_edits > 100000 || rebuilds < 1 || rebuilds > 8)
		return usage_bench_edit();
	rng_state = (uint64_t)seed;
	arena_init(&qa, 1 << 20);
	arena_init(&ra, 1 << 16);
	if (directory_compacts(tax, cpath, &cx, err, sizeof(err))) {
		fprintf(stderr, "chiron: %s\n", err);
		goto out;
	}

	/* The queries. */
	if (!(text = app_read_file(qpath, &len, err, sizeof(err)))) {
		fprintf(stderr, "chiron: %s\n", err);
		goto out;
	}
	{
		char *p = text, *nl;
		size_t cap = 0;

		for (; *p; p = nl ? nl + 1 : p + strlen(p)) {
			struct verr e;

			nl = strchr(p, '\n');
			if ((nl ? (size_t)(nl - p) : strlen(p)) == 0)
				continue;
			if (n_q == cap) {
				void *v = realloc(qs, (cap = cap ? cap * 2 : 1024) * sizeof(*qs));

				if (!v)
					goto oom;
				qs = v;
			}
			if (query_parse(tax, p, nl ? (size_t)(nl - p) : strlen(p), now, &qa, &qs[n_q], &e)) {
				fprintf(stderr, "chiron: %s: query %zu: %s: %s\n", qpath, n_q + 1, e.field, e.msg);
				goto out;
			}
			n_q++;
			if (!nl)
				break;
		}
	}
	t_save = calloc((size_t)n_edits, sizeof(double));
	t_put = calloc((size_t)n_edits, sizeof(double));
	t_seen = calloc((size_t)n_edits, sizeof(double));
	t_vis = calloc((size_t)n_edits, sizeof(double));
	lat_a = calloc(n_q + 1, sizeof(double));
	lat_b = calloc(n_q + 1, sizeof(double));
	jb = calloc(n_q + 1, sizeof(*jb));
	if (!t_save || !t_put || !t_seen || !t_vis || !lat_a || !lat_b || !jb)
		goto oom;

	/* 1. The first build. */
	t_open = now_s();
	if (!(lv = live_open(db, tax, &cx, 4, err, sizeof(err)))) {
		fprintf(stderr, "chiron: %s\n", err);
		goto out;
	}
	t_open = now_s() - t_open;
	if (!(st = store_open(db, err, sizeof(err)))) {
		fprintf(stderr, "chiron: %s\n", err);
		goto out;
	}
	s0 = live_take(lv);
	nj = tax_count(tax, TAX_JURISDICTION);
	n_base = s0->ix->n;
	printf("bench-edit: %u therapists, first build %.2f s; %ld edits, %zu queries\n",
	       s0->ix->n, t_open, n_edits, n_q);

	/* 2. The edits. */
	{
		const struct index *ix = s0->ix;
		struct got g = {BUF_INIT};
		uint64_t *used = calloc(ix->words ? ix->words : 1, sizeof(uint64_t));
		long k;

		if (!used)
			goto oom;
		for (k = 0; k < n_edits; k++) {
			uint32_t row = 0;
			int jur = -1, tries;
			char qtext[160];
			struct query q;
			struct verr e;
			struct therapist t;
			struct buf packed = BUF_INIT;
			long before = 0, after = 0;
			size_t heap_before;
			int found = 0;
			double t0, t1, t2, t3;

			for (tries = 0; tries < 100000 && jur < 0; tries++) {
				row = (uint32_t)(rnd64() % ix->n);
				if ((used[row >> 6] >> (row & 63) & 1) ||
				    (ix->paused[row >> 6] >> (row & 63) & 1))
					continue;
				for (j = 0; j < nj; j++)
					if (ix->tele_open[j] && (ix->tele_open[j][row >> 6] >> (row & 63) & 1)) {
						jur = j;
						break;
					}
			}
			if (jur < 0) {
				fprintf(stderr, "chiron: no open telehealth therapist left to edit\n");
				free(used);
				goto out;
			}
			used[row >> 6] |= (uint64_t)1 << (row & 63);
			snprintf(qtext, sizeof(qtext), "{\"jurisdiction\":\"%s\",\"modality\":\"telehealth\","
			         "\"limit\":20}", tax_code(tax, TAX_JURISDICTION, jur));
			arena_reset(&ra);
			if (query_parse(tax, qtext, strlen(qtext), now, &ra, &q, &e) ||
			    store_get_therapist(st, ix->id[row], take_record, &g, &found) || !found) {
				fprintf(stderr, "chiron: reading %s: %s\n", ix->id[row], store_errmsg(st));
				free(used);
				goto out;
			}
			if (run_on(lv, sb = live_take(lv), &q, &before, NULL)) {
				live_give(lv, sb);
				free(used);
				goto oom;
			}
			live_give(lv, sb);
			sb = NULL;
			if (therapist_unpack(tax, g.b.p, g.b.len, &ra, &t, &e))
				goto bad_record;
			t.accepting = false;
			if (therapist_pack(tax, &t, &packed))
				goto bad_record;

			t0 = now_s();
			if (STORE_CALL(st, listing_save, ix->id[row], packed.p, packed.len, NULL, NULL, now,
			               &found) || !found) {
				fprintf(stderr, "chiron: saving %s: %s\n", ix->id[row], store_errmsg(st));
				buf_free(&packed);
				free(used);
				goto out;
			}
			heap_before = heap_now();
			t1 = now_s();
			live_put(lv, ix->id[row], packed.p, packed.len, false);
			t2 = now_s();
			heap_grown += (long long)heap_now() - (long long)heap_before;
			sb = live_take(lv);
			r = run_on(lv, sb, &q, &after, NULL);
			t3 = now_s();
			live_give(lv, sb);
			sb = NULL;
			buf_free(&packed);
			if (r) {
				free(used);
				goto oom;
			}
			t_save[k] = t1 - t0;
			t_put[k] = t2 - t1;
			t_seen[k] = t3 - t0;
			t_vis[k] = t3 - t1;
			seen += after == before - 1;
			continue;
bad_record:
			fprintf(stderr, "chiron: %s: %s\n", ix->id[row], e.msg);
			free(used);
			goto out;
		}
		free(used);
		buf_free(&g.b);
	}
	sb = live_take(lv);

	/* 3. Search latency with and without the delta, alternately; a
	 * context held for each, as a server's are between changes. */
	ma = live_ctx_take(lv, s0);
	mb = live_ctx_take(lv, sb);
	if (!ma || !mb)
		goto oom;
	for (i = 0; i < n_q; i++) {
		long tot;
		double t0, t1;

		/* Both into a buffer grown by the queries before (an answer's
		 * own buffer would time its growth). */
		buf_reset(&one);
		buf_reset(&two);
		t0 = now_s();
		if (i & 1) {
			if (run_ctx(mb, &qs[i], &tot, &two))
				goto oom;
			t1 = now_s();
			lat_b[i] = t1 - t0;
			if (run_ctx(ma, &qs[i], &tot, &one))
				goto oom;
			lat_a[i] = now_s() - t1;
		} else {
			if (run_ctx(ma, &qs[i], &tot, &one))
				goto oom;
			t1 = now_s();
			lat_a[i] = t1 - t0;
			if (run_ctx(mb, &qs[i], &tot, &two))
				goto oom;
			lat_b[i] = now_s() - t1;
		}
		if (buf_add(&jb[i], two.p, two.len))
			goto oom;
	}
	live_ctx_give(lv, s0, ma);
	live_ctx_give(lv, sb, mb);
	ma = mb = NULL;
	live_give(lv, s0);
	s0 = NULL;

	/* 4. Full builds, as a save waited for them before. */
	for (j = 0; j < rebuilds; j++) {
		double t0 = now_s();

		if (live_wait(lv, live_changed(lv), 600000)) {
			fprintf(stderr, "chiron: a full build took over ten minutes\n");
			goto out;
		}
		t_rebuild[j] = now_s() - t0;
		if (j == 0) {
			sc = live_take(lv);
			for (i = 0; i < n_q; i++) {
				long tot;

				buf_reset(&one);
				if (run_on(lv, sc, &qs[i], &tot, &one))
					goto oom;
				differ += one.len != jb[i].len || memcmp(one.p, jb[i].p, one.len) != 0;
			}
			if (sc->delta.ix || sc->delta.gone)
				fprintf(stderr, "chiron: the full build kept a delta\n");
			live_give(lv, sc);
			sc = NULL;
			live_give(lv, sb);
			sb = NULL;
		}
	}

	{
		double seen_p50 = cli_quantile_ms(t_seen, (size_t)n_edits, 0.5),
		       seen_p99 = cli_quantile_ms(t_seen, (size_t)n_edits, 0.99),
		       vis_p50 = cli_quantile_ms(t_vis, (size_t)n_edits, 0.5),
		       vis_p99 = cli_quantile_ms(t_vis, (size_t)n_edits, 0.99),
		       vis_max = cli_quantile_ms(t_vis, (size_t)n_edits, 1.0),
		       save_p50 = cli_quantile_ms(t_save, (size_t)n_edits, 0.5),
		       save_p99 = cli_quantile_ms(t_save, (size_t)n_edits, 0.99),
		       put_p50 = cli_quantile_ms(t_put, (size_t)n_edits, 0.5),
		       put_p99 = cli_quantile_ms(t_put, (size_t)n_edits, 0.99),
		       a50 = cli_quantile_ms(lat_a, n_q, 0.5), a99 = cli_quantile_ms(lat_a, n_q, 0.99),
		       b50 = cli_quantile_ms(lat_b, n_q, 0.5), b99 = cli_quantile_ms(lat_b, n_q, 0.99),
		       rb = t_rebuild[0];
		double heap_kib = (double)heap_grown / 1024;

		for (j = 1; j < rebuilds; j++)
			if (t_rebuild[j] < rb)
				rb = t_rebuild[j];
		printf("edit visible to search (live_put, then a match sees it): p50 %.3f ms p99 %.3f ms "
		       "max %.3f ms (%ld/%ld seen by the next match)\n", vis_p50, vis_p99, vis_max, seen,
		       n_edits);
		printf("  the index alone (live_put) p50 %.3f ms p99 %.3f ms; with the store's save before it "
		       "(synchronous=FULL) p50 %.3f ms p99 %.3f ms, the save alone p50 %.3f ms p99 %.3f ms\n",
		       put_p50, put_p99, seen_p50, seen_p99, save_p50, save_p99);
		printf("full build (what a save waited for before): best %.2f s of %ld:", rb, rebuilds);
		for (j = 0; j < rebuilds; j++)
			printf(" %.2f", t_rebuild[j]);
		printf(" s\n");
		printf("search, match + JSON, %zu queries: p50 %.3f ms p99 %.3f ms without a delta; "
		       "p50 %.3f ms p99 %.3f ms with %ld changes (%+.1f%% / %+.1f%%)\n",
		       n_q, a50, a99, b50, b99, n_edits, a50 > 0 ? (b50 / a50 - 1) * 100 : 0,
		       a99 > 0 ? (b99 / a99 - 1) * 100 : 0);
		printf("delta of %ld changes: %.0f KiB of heap; over the new base, %zu of %zu answers "
		       "byte-identical\n", n_edits, heap_kib, n_q - (size_t)differ, n_q);
		if (json)
			printf("{\"therapists\":%u,\"edits\":%ld,\"seen\":%ld,\"visible_p50_ms\":%.4f,\"visible_p99_ms\":%.4f,"
			       "\"visible_max_ms\":%.4f,\"with_save_p50_ms\":%.4f,\"with_save_p99_ms\":%.4f,"
			       "\"save_p50_ms\":%.4f,\"save_p99_ms\":%.4f,"
			       "\"put_p50_ms\":%.4f,\"put_p99_ms\":%.4f,\"rebuild_s\":%.3f,"
			       "\"first_build_s\":%.3f,\"search_p50_ms\":%.4f,\"search_p99_ms\":%.4f,"
			       "\"search_delta_p50_ms\":%.4f,\"search_delta_p99_ms\":%.4f,"
			       "\"delta_heap_kib\":%.0f,\"queries\":%zu,\"identical\":%zu}\n",
			       n_base, n_edits, seen, vis_p50, vis_p99, vis_max, seen_p50, seen_p99, save_p50, save_p99, put_p50,
			       put_p99, rb, t_open, a50, a99, b50, b99, heap_kib, n_q,
			       n_q - (size_t)differ);
	}
	rc = seen == n_edits && differ == 0 ? 0 : 1;
	goto out;
oom:
	fprintf(stderr, "chiron: out of memory\n");
out:
	if (ma)
		live_ctx_give(lv, s0, ma);
	if (mb)
		live_ctx_give(lv, sb, mb);
	if (s0)
		live_give(lv, s0);
	if (sb)
		live_give(lv, sb);
	if (sc)
		live_give(lv, sc);
	store_close(st);
	live_close(lv);
	for (i = 0; jb && i < n_q; i++)
		buf_free(&jb[i]);
	free(jb);
	buf_free(&one);
	buf_free(&two);
	free(qs);
	free(text);
	free(t_save);
	free(t_put);
	free(t_seen);
	free(t_vis);
	free(lat_a);
	free(lat_b);
	arena_free(&qa);
	arena_free(&ra);
	return rc;
}
