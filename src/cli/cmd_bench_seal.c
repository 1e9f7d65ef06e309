/*
 * cmd_bench_seal.c: `chiron bench-seal`, what sealing costs (make bench,
 * step 7; docs/performance.md, "Sealing").
 *
 *     chiron bench-seal [--dir DIR] [--values N] [--keys K] [--rows R] [--json]
 *
 * On a fresh store in a temporary directory under DIR (its key file
 * beside it, as `chiron serve` makes them), each call timed alone
 * (CLOCK_MONOTONIC), p50 and p99 in microseconds:
 *
 *   1. seal_put and seal_open of N values (200,000) of 100 bytes and of
 *      2 KB, under an account's data key (cached, as it is after its
 *      first use), each bound to a row key of its own;
 *   2. seal_blind of N email addresses;
 *   3. seal_user_key of K accounts (20,000): the first use, which makes
 *      the key (random bytes, wrapped, stored, its number sealed into the
 *      account's row; inside a transaction, so no commit is counted), then
 *      a known one (read from the row and opened);
 *   4. seal_open of a value under each of the K keys in turn, more keys
 *      than the cache keeps: each open classed by seal_stats as a hit of
 *      the cache or a miss (the data key read from the store and
 *      unwrapped); the difference of their medians is what a miss costs;
 *   5. through the store, R rows (10,000) of one value of 100 bytes and of
 *      2 KB (a request's message), clear and sealed in alternating batches
 *      of 500 so both meet the same machine: an insert (sealed: seal_put,
 *      then the insert) in transactions of 500, the commits timed apart;
 *      a read of a random row by key (sealed: the read, then seal_open);
 *      and 200 rows each in a transaction of its own (synchronous=FULL,
 *      as a request is stored). The row is the store's data-key row
 *      (dkey_put, dkey_get: an id, a number and a blob of the caller's
 *      size) in this temporary store, so the figures are the sealing's
 *      and the engine's alone, the same statement for both;
 *   6. seal_forget of 200 keys (crypto-shredding: the row deleted, its
 *      cell zeroed by secure_delete, the WAL checkpointed and truncated).
 *
 * The ratios sealed/clear are of figures measured in this run. --json
 * adds one line of JSON with every figure (bench/run reads it).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app/ctx.h"
#include "app/seal.h"
#include "cli/cli.h"
#include "core/buf.h"
#include "store/store.h"

#define BATCH 500
#define OWN_TX 200
#define FORGETS 200
#define ROW_ID0 1000000                 /* the bench's rows: ids far from the system keys */
#define VALUE_MAX 2048

struct lat {
	double p50, p99, mean;
	long n;
};

struct bench {
	struct services sv;
	struct store *st;
	struct ctx cx;
	char dir[1100], db[1200], key[1200];
	long values, keys, rows;
	bool json;
	struct buf out;                 /* the JSON line */
	double *t;                      /* scratch timings */
	unsigned char plain[VALUE_MAX];
};

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* p50, p99 and mean of the n timings in v (microseconds); sorts v. */
static struct lat
lat_of(double *v, long n)
{
	struct lat l = {0, 0, 0, n};
	double sum = 0;

	for (long i = 0; i < n; i++)
		sum += v[i];
	l.mean = n ? sum / (double)n : 0;
	/* cli_quantile_ms takes seconds and gives milliseconds: microseconds
	 * in come out multiplied by 1000. */
	l.p50 = cli_quantile_ms(v, (size_t)n, 0.50) / 1e3;
	l.p99 = cli_quantile_ms(v, (size_t)n, 0.99) / 1e3;
	return l;
}

/* One figure: a line of text, and a member of the JSON line. */
static void
say(struct bench *b, const char *key, const char *what, struct lat l)
{
	printf("  %-58s p50 %8.2f us  p99 %8.2f us  mean %8.2f us  (%ld)\n", what, l.p50, l.p99,
	       l.mean, l.n);
	buf_printf(&b->out, "\"%s\":{\"p50_us\":%.3f,\"p99_us\":%.3f,\"mean_us\":%.3f,\"n\":%ld},",
	           key, l.p50, l.p99, l.mean, l.n);
}

static void
ratio(struct bench *b, const char *key, const char *what, struct lat sealed, struct lat clear)
{
	double r50 = clear.p50 > 0 ? sealed.p50 / clear.p50 : 0;
	double r99 = clear.p99 > 0 ? sealed.p99 / clear.p99 : 0;

	printf("  %-58s p50 %7.2fx      p99 %7.2fx      (+%.2f us at p50)\n", what, r50, r99,
	       sealed.p50 - clear.p50);
	buf_printf(&b->out, "\"%s\":{\"p50\":%.3f,\"p99\":%.3f,\"added_p50_us\":%.3f},", key, r50, r99,
	           sealed.p50 - clear.p50);
}

static int
fail(struct bench *b, const char *what)
{
	fprintf(stderr, "chiron bench-seal: %s: %s\n", what, store_errmsg(b->st));
	return -1;
}

/* The row key of value i (its number, big-endian, padded). */
static void
rk_of(long i, unsigned char rk[SEAL_RK_BYTES])
{
	memset(rk, 0, SEAL_RK_BYTES);
	for (int k = 0; k < 8; k++)
		rk[SEAL_RK_BYTES - 1 - k] = (unsigned char)((uint64_t)i >> (8 * k));
}

/* ----------------------------------------------------------------------
 * 1, 2: values in memory
 * ---------------------------------------------------------------------- */

static int
bench_values(struct bench *b, int64_t kid, size_t size)
{
	double *topen = malloc(sizeof(double) * (size_t)b->values);
	struct buf sealed = BUF_INIT, opened = BUF_INIT;
	unsigned char rk[SEAL_RK_BYTES];
	char key[32], what[96];
	int rc = -1;

	if (!topen)
		return -1;
	for (long i = 0; i < b->values; i++) {
		double t0, t1, t2;

		rk_of(i, rk);
		buf_reset(&sealed);
		buf_reset(&opened);
		b->plain[0] = (unsigned char)i;
		t0 = now_us();
		if (seal_put(&b->cx, kid, "bench", "value", rk, sizeof(rk), b->plain, size, &sealed)) {
			fail(b, "seal_put");
			goto out;
		}
		t1 = now_us();
		if (seal_open(&b->cx, "bench", "value", rk, sizeof(rk), sealed.p, sealed.len, &opened,
		              NULL) != SEAL_OK || opened.len != size ||
		    memcmp(opened.p, b->plain, size) != 0) {
			fprintf(stderr, "chiron bench-seal: a sealed value did not open as it was\n");
			goto out;
		}
		t2 = now_us();
		b->t[i] = t1 - t0;
		topen[i] = t2 - t1;
	}
	snprintf(key, sizeof(key), "seal_put_%zu", size);
	snprintf(what, sizeof(what), "seal_put, %zu bytes (cached key)", size);
	say(b, key, what, lat_of(b->t, b->values));
	snprintf(key, sizeof(key), "seal_open_%zu", size);
	snprintf(what, sizeof(what), "seal_open, %zu bytes (cached key)", size);
	say(b, key, what, lat_of(topen, b->values));
	rc = 0;
out:
	free(topen);
	buf_free(&sealed);
	buf_free(&opened);
	return rc;
}

static void
bench_blind(struct bench *b)
{
	unsigned char bx[SEAL_BLIND_BYTES];
	char email[64];

	for (long i = 0; i < b->values; i++) {
		int n = snprintf(email, sizeof(email), "person.%ld@example.org", i);
		double t0 = now_us();

		seal_blind(&b->cx, "user.email", email, (size_t)n, bx);
		b->t[i] = now_us() - t0;
	}
	say(b, "seal_blind", "seal_blind, an email address", lat_of(b->t, b->values));
}

/* ----------------------------------------------------------------------
 * 3, 4: accounts' keys, the cache
 * ---------------------------------------------------------------------- */

static int
bench_keys(struct bench *b, int64_t *uids, int64_t *kids)
{
	struct buf *blobs = calloc((size_t)b->keys, sizeof(*blobs)), opened = BUF_INIT;
	double *hit = malloc(sizeof(double) * (size_t)b->keys);
	double *miss = malloc(sizeof(double) * (size_t)b->keys);
	struct lat lh, lm;
	long nh = 0, nm = 0;
	int rc = -1;

	if (!blobs || !hit || !miss)
		goto out;
	/* Accounts, in one transaction (not timed). */
	if (store_begin(b->st))
		goto store_fail;
	for (long i = 0; i < b->keys; i++) {
		struct store_user u;

		memset(&u, 0, sizeof(u));
		snprintf(u.handle, sizeof(u.handle), "bench-%ld", i);
		snprintf(u.email, sizeof(u.email), "bench-%ld@bench.invalid", i);
		snprintf(u.pw_hash, sizeof(u.pw_hash), "-");
		snprintf(u.role, sizeof(u.role), "seeker");
		if (STORE_CALL(b->st, user_create, &u))
			goto store_fail_tx;
		uids[i] = u.id;
	}
	/* First use: the key made and recorded. */
	for (long i = 0; i < b->keys; i++) {
		double t0 = now_us();

		if (seal_user_key(&b->cx, uids[i], &kids[i]))
			goto store_fail_tx;
		b->t[i] = now_us() - t0;
	}
	if (store_commit(b->st))
		goto store_fail;
	say(b, "user_key_new", "seal_user_key, first use (makes the key; in a transaction)",
	    lat_of(b->t, b->keys));
	for (long i = 0; i < b->keys; i++) {
		int64_t k;
		double t0 = now_us();

		if (seal_user_key(&b->cx, uids[i], &k) || k != kids[i])
			goto store_fail;
		b->t[i] = now_us() - t0;
	}
	say(b, "user_key_known", "seal_user_key, known (read from the account's row)",
	    lat_of(b->t, b->keys));
	/* A value under each key, then opened in turn, twice: the first open
	 * finds the key in the cache or not (the cache starts again when it
	 * is three-quarters full, and there are more keys than that), the
	 * second always does. seal_stats says which each was. */
	for (long i = 0; i < b->keys; i++)
		if (seal_put_id(&b->cx, kids[i], "bench", "key", uids[i], b->plain, 100, &blobs[i]))
			goto store_fail;
	for (long i = 0; i < b->keys; i++)
		for (int twice = 0; twice < 2; twice++) {
			struct seal_stats s0, s1;
			double t0, t1;

			buf_reset(&opened);
			seal_stats(&b->sv, &s0);
			t0 = now_us();
			if (seal_open_id(&b->cx, "bench", "key", uids[i], blobs[i].p, blobs[i].len, &opened,
			                 NULL) != SEAL_OK)
				goto store_fail;
			t1 = now_us();
			seal_stats(&b->sv, &s1);
			if (s1.unwraps > s0.unwraps && nm < b->keys)
				miss[nm++] = t1 - t0;
			else if (nh < b->keys)
				hit[nh++] = t1 - t0;
		}
	lh = lat_of(hit, nh);
	lm = lat_of(miss, nm);
	say(b, "open_key_cached", "seal_open, 100 bytes, its data key in the cache", lh);
	say(b, "open_key_unwrapped", "seal_open, 100 bytes, its data key read and unwrapped", lm);
	printf("  %-58s p50 %8.2f us\n", "  so a cache miss (read from the store, unwrap) adds",
	       lm.p50 - lh.p50);
	buf_printf(&b->out, "\"unwrap_added_p50_us\":%.3f,", lm.p50 - lh.p50);
	rc = 0;
	goto out;
store_fail_tx:
	store_rollback(b->st);
store_fail:
	fail(b, "accounts' keys");
out:
	if (blobs)
		for (long i = 0; i < b->keys; i++)
			buf_free(&blobs[i]);
	free(blobs);
	free(hit);
	free(miss);
	buf_free(&opened);
	return rc;
}

/* ----------------------------------------------------------------------
 * 5: through the store
 * ---------------------------------------------------------------------- */

/* Row i of a run (clear or sealed), its value of size bytes into the store. */
static int
put_row(struct bench *b, int64_t kid, int64_t id, size_t size, bool sealed, struct buf *tmp)
{
	unsigned char rk[SEAL_RK_BYTES];

	if (!sealed)
		return STORE_CALL(b->st, dkey_put, id, 0, b->plain, size);
	rk_of((long)id, rk);
	buf_reset(tmp);
	return seal_put(&b->cx, kid, "bench", "row", rk, sizeof(rk), b->plain, size, tmp) ||
	       STORE_CALL(b->st, dkey_put, id, 0, tmp->p, tmp->len);
}

static int
get_row(struct bench *b, int64_t id, size_t size, bool sealed, struct buf *tmp)
{
	unsigned char blob[VALUE_MAX + SEAL_OVERHEAD], rk[SEAL_RK_BYTES];
	int64_t master;
	size_t n;
	int found;

	if (STORE_CALL(b->st, dkey_get, id, &master, blob, sizeof(blob), &n, &found) || !found)
		return -1;
	if (!sealed)
		return n == size ? 0 : -1;
	rk_of((long)id, rk);
	buf_reset(tmp);
	return seal_open(&b->cx, "bench", "row", rk, sizeof(rk), blob, n, tmp, NULL) == SEAL_OK &&
	       tmp->len == size ? 0 : -1;
}

static int
bench_rows(struct bench *b, int64_t kid, size_t size, int64_t base)
{
	double *ins[2], *rd[2], *own[2], commit[2] = {0, 0};
	struct buf tmp = BUF_INIT;
	struct lat li[2], lr[2], lo[2];
	char key[48], what[96];
	long n = b->rows;
	int rc = -1;

	for (int s = 0; s < 2; s++) {
		ins[s] = malloc(sizeof(double) * (size_t)n);
		rd[s] = malloc(sizeof(double) * (size_t)n);
		own[s] = malloc(sizeof(double) * OWN_TX);
	}
	if (!ins[0] || !ins[1] || !rd[0] || !rd[1] || !own[0] || !own[1])
		goto out;
	/* Inserts: batches of BATCH rows, clear then sealed, each in a transaction. */
	for (long at = 0; at < n; at += BATCH) {
		for (int s = 0; s < 2; s++) {
			int64_t id0 = base + (s ? n : 0);
			double t0;

			if (store_begin(b->st))
				goto store_fail;
			for (long i = at; i < at + BATCH && i < n; i++) {
				b->plain[0] = (unsigned char)i;
				t0 = now_us();
				if (put_row(b, kid, id0 + i, size, s, &tmp)) {
					store_rollback(b->st);
					goto store_fail;
				}
				ins[s][i] = now_us() - t0;
			}
			t0 = now_us();
			if (store_commit(b->st))
				goto store_fail;
			commit[s] += now_us() - t0;
		}
	}
	/* Reads: random rows (a fixed sequence), clear then sealed, alternating. */
	{
		uint64_t x = 0x9E3779B97F4A7C15ull;

		for (long i = 0; i < n; i++)
			for (int s = 0; s < 2; s++) {
				double t0;
				long r;

				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				r = (long)(x % (uint64_t)n);
				t0 = now_us();
				if (get_row(b, base + (s ? n : 0) + r, size, s, &tmp)) {
					fprintf(stderr, "chiron bench-seal: row %ld did not read back\n", r);
					goto out;
				}
				rd[s][i] = now_us() - t0;
			}
	}
	/* One row, one transaction (autocommit, synchronous as in production). */
	for (long i = 0; i < OWN_TX; i++)
		for (int s = 0; s < 2; s++) {
			double t0 = now_us();

			if (put_row(b, kid, base + 2 * n + 2 * i + s, size, s, &tmp))
				goto store_fail;
			own[s][i] = now_us() - t0;
		}
	for (int s = 0; s < 2; s++) {
		li[s] = lat_of(ins[s], n);
		lr[s] = lat_of(rd[s], n);
		lo[s] = lat_of(own[s], OWN_TX);
	}
	for (int s = 0; s < 2; s++) {
		snprintf(key, sizeof(key), "row_insert_%s_%zu", s ? "sealed" : "clear", size);
		snprintf(what, sizeof(what), "insert a row of %zu bytes, %s (in a transaction)", size,
		         s ? "sealed" : "clear ");
		say(b, key, what, li[s]);
	}
	snprintf(key, sizeof(key), "ratio_insert_%zu", size);
	ratio(b, key, "  sealed / clear", li[1], li[0]);
	printf("  %-58s %8.2f us clear, %8.2f us sealed\n", "  commits of 500 rows, per row",
	       commit[0] / (double)n, commit[1] / (double)n);
	buf_printf(&b->out, "\"commit_per_row_clear_%zu_us\":%.3f,\"commit_per_row_sealed_%zu_us\":%.3f,",
	           size, commit[0] / (double)n, size, commit[1] / (double)n);
	for (int s = 0; s < 2; s++) {
		snprintf(key, sizeof(key), "row_read_%s_%zu", s ? "sealed" : "clear", size);
		snprintf(what, sizeof(what), "read a row of %zu bytes, %s", size,
		         s ? "sealed (read + seal_open)" : "clear");
		say(b, key, what, lr[s]);
	}
	snprintf(key, sizeof(key), "ratio_read_%zu", size);
	ratio(b, key, "  sealed / clear", lr[1], lr[0]);
	for (int s = 0; s < 2; s++) {
		snprintf(key, sizeof(key), "row_own_tx_%s_%zu", s ? "sealed" : "clear", size);
		snprintf(what, sizeof(what), "insert a row of %zu bytes, %s, its own commit", size,
		         s ? "sealed" : "clear ");
		say(b, key, what, lo[s]);
	}
	snprintf(key, sizeof(key), "ratio_own_tx_%zu", size);
	ratio(b, key, "  sealed / clear", lo[1], lo[0]);
	rc = 0;
	goto out;
store_fail:
	fail(b, "rows");
out:
	for (int s = 0; s < 2; s++) {
		free(ins[s]);
		free(rd[s]);
		free(own[s]);
	}
	buf_free(&tmp);
	return rc;
}

/* 6: crypto-shredding, the first FORGETS accounts' keys. */
static int
bench_forget(struct bench *b, const int64_t *kids)
{
	long n = b->keys < FORGETS ? b->keys : FORGETS;

	for (long i = 0; i < n; i++) {
		double t0 = now_us();
		int found;

		if (seal_forget(&b->cx, kids[i], &found) || !found)
			return fail(b, "seal_forget");
		b->t[i] = now_us() - t0;
	}
	say(b, "forget", "seal_forget (row deleted, cell zeroed, WAL truncated)", lat_of(b->t, n));
	return 0;
}

/* ----------------------------------------------------------------------
 * The command
 * ---------------------------------------------------------------------- */

static int
usage_bench(void)
{
	fprintf(stderr, "usage: chiron bench-seal [--dir DIR] [--values N] [--keys K] [--rows R] "
	                "[--json]\n");
	return 2;
}

static bool
count_arg(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

int
cmd_bench_seal(int argc, char **argv)
{
	struct bench *b = calloc(1, sizeof(*b));
	const char *parent = getenv("TMPDIR");
	int64_t *uids = NULL, *kids = NULL, kid;
	char err[1200], sub[1300];
	int i, rc = 1, made;

	if (!b)
		return 1;
	b->values = 200000;
	b->keys = 20000;
	b->rows = 10000;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			b->json = true;
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			parent = argv[++i];
		else if (strcmp(argv[i], "--values") == 0 && i + 1 < argc) {
			if (!count_arg(argv[++i], 1, 10000000, &b->values))
				return free(b), usage_bench();
		} else if (strcmp(argv[i], "--keys") == 0 && i + 1 < argc) {
			if (!count_arg(argv[++i], 1, 1000000, &b->keys))
				return free(b), usage_bench();
		} else if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc) {
			if (!count_arg(argv[++i], 1, 1000000, &b->rows))
				return free(b), usage_bench();
		} else
			return free(b), usage_bench();
	}
	if (!parent || !*parent)
		parent = "/tmp";
	snprintf(b->dir, sizeof(b->dir), "%s/chiron-bench-seal.XXXXXX", parent);
	if (!mkdtemp(b->dir)) {
		fprintf(stderr, "chiron bench-seal: %s: %s\n", b->dir, strerror(errno));
		free(b);
		return 1;
	}
	snprintf(b->db, sizeof(b->db), "%s/seal.db", b->dir);
	snprintf(b->key, sizeof(b->key), "%s/chiron.key", b->dir);
	{
		long most = b->values > b->keys ? b->values : b->keys;

		b->t = malloc(sizeof(double) * (size_t)(most > FORGETS ? most : FORGETS));
	}
	uids = malloc(sizeof(int64_t) * (size_t)b->keys);
	kids = malloc(sizeof(int64_t) * (size_t)b->keys);
	if (!b->t || !uids || !kids) {
		fprintf(stderr, "chiron bench-seal: out of memory\n");
		goto out;
	}
	if (!(b->st = store_open(b->db, err, sizeof(err)))) {
		fprintf(stderr, "chiron bench-seal: %s\n", err);
		goto out;
	}
	services_init(&b->sv, b->st, NULL);
	if (sealer_start(&b->sv, b->key, &made, err, sizeof(err))) {
		fprintf(stderr, "chiron bench-seal: %s\n", err);
		goto out;
	}
	ctx_begin(&b->cx, &b->sv, NULL);
	randombytes_buf(b->plain, sizeof(b->plain));
	printf("chiron bench-seal: %ld cores, store in %s; XChaCha20-Poly1305 (libsodium %s)\n",
	       sysconf(_SC_NPROCESSORS_ONLN), b->dir, sodium_version_string());
	buf_adds(&b->out, "{");
	buf_printf(&b->out, "\"values\":%ld,\"keys\":%ld,\"rows\":%ld,", b->values, b->keys, b->rows);
	/* 3 first: the accounts whose keys 1, 2 and 5 use. */
	printf("accounts' data keys (%ld accounts; the cache keeps %d keys before it starts again):\n",
	       b->keys, 8192 * 3 / 4);
	if (bench_keys(b, uids, kids))
		goto out;
	kid = kids[b->keys - 1];
	printf("values in memory (%ld of each size), an account's data key:\n", b->values);
	if (bench_values(b, kid, 100) || bench_values(b, kid, 2048))
		goto out;
	bench_blind(b);
	fflush(stdout);
	printf("through the store (%ld rows of each kind; clear and sealed alternate by batch):\n",
	       b->rows);
	if (bench_rows(b, kid, 100, ROW_ID0) || bench_rows(b, kid, 2048, ROW_ID0 + 4 * b->rows + 2 * OWN_TX))
		goto out;
	printf("crypto-shredding:\n");
	if (bench_forget(b, kids))
		goto out;
	if (b->out.len && b->out.p[b->out.len - 1] == ',')
		b->out.len--;
	buf_adds(&b->out, "}");
	if (b->json) {
		if (!b->out.p) {
			fprintf(stderr, "chiron bench-seal: out of memory\n");
			goto out;
		}
		printf("%s\n", b->out.p);
	}
	rc = 0;
out:
	fflush(stdout);
	if (b->sv.sealer)
		ctx_done(&b->cx);
	if (b->sv.store)
		cli_close_sealed(&b->sv);      /* the sealer, then the store */
	free(uids);
	free(kids);
	free(b->t);
	buf_free(&b->out);
	{
		const char *ext[] = {"", "-wal", "-shm"};

		for (i = 0; i < 3; i++) {
			snprintf(sub, sizeof(sub), "%s%s", b->db, ext[i]);
			unlink(sub);
		}
		unlink(b->key);
		rmdir(b->dir);
	}
	free(b);
	return rc;
}
