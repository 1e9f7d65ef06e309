/*
 * orgs.c: the organization registry as the web adds to it, and merging
 * two organizations (every record and profile naming one rewritten).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

int
sq_org_add(struct store *bs, const struct store_org *o)
{
	return sq_run(S(bs), "adding an organization", NULL, NULL,
		      "INSERT INTO org (id, name, kind, jurisdiction) VALUES (?1, ?2, ?3, nullif(?4, ''))",
		      "tttt", o->id, o->name, o->kind, o->jurisdiction ? o->jurisdiction : "");
}

struct org_rows {
	store_org_fn fn;
	void *arg;
};

static int
row_org(sqlite3_stmt *st, void *arg)
{
	struct org_rows *x = arg;
	struct store_org o = {
		(const char *)sqlite3_column_text(st, 0),
		(const char *)sqlite3_column_text(st, 1),
		(const char *)sqlite3_column_text(st, 2),
		(const char *)sqlite3_column_text(st, 3),
	};

	return x->fn(x->arg, &o);
}

int
sq_orgs_find(struct store *bs, const char *q, int max, store_org_fn fn, void *arg)
{
	struct org_rows x = {fn, arg};

	/* instr() on lower-cased text: no LIKE wildcards to escape in q. */
	return sq_run(S(bs), "finding organizations", row_org, &x,
		      "SELECT id, name, kind, jurisdiction FROM org WHERE instr(lower(name), lower(?1)) > 0 "
		      "ORDER BY name, id LIMIT ?2", "ti", q, (int64_t)max);
}

int
sq_org_get(struct store *bs, const char *id, store_org_fn fn, void *arg)
{
	struct org_rows x = {fn, arg};

	return sq_run(S(bs), "reading an organization", row_org, &x,
		      "SELECT id, name, kind, jurisdiction FROM org WHERE id = ?1", "t", id);
}

/* A rewritten row, kept until the scan that found it has ended. */
struct rewrite {
	char *key;
	void *val;
	size_t n;
	int64_t user;
};

struct rewrites {
	struct rewrite *v;
	size_t n, cap;
	store_rewrite_fn fn;
	void *arg;
	bool profiles;
	int err;
};

static int
row_rewrite(sqlite3_stmt *st, void *arg)
{
	struct rewrites *w = arg;
	const char *key = (const char *)sqlite3_column_text(st, 0);
	/* A profile is sealed (a BLOB) or, from before issue 11, text: given
	 * as its bytes and a NUL either way. */
	const void *in = w->profiles ? sqlite3_column_text(st, 1) : sqlite3_column_blob(st, 1);
	size_t n = (size_t)sqlite3_column_bytes(st, 1) + (w->profiles ? 1 : 0);
	void *out = NULL;
	size_t outn = 0;
	int rc;

	rc = w->fn(w->arg, key, in ? in : "", in ? n : (w->profiles ? 1 : 0), &out, &outn);
	if (rc < 0) {
		w->err = 1;
		return 1;
	}
	if (rc == 0)
		return 0;
	if (vec_grow(&w->v, &w->cap, w->n + 1, sizeof(*w->v))) {
		free(out);
		w->err = 1;
		return 1;
	}
	w->v[w->n].key = strdup(key);
	w->v[w->n].val = out;
	w->v[w->n].n = outn;
	w->v[w->n].user = sqlite3_column_int64(st, 2);
	if (!w->v[w->n].key) {
		free(out);
		w->err = 1;
		return 1;
	}
	w->n++;
	return 0;
}

static void
rewrites_free(struct rewrites *w)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		free(w->v[i].key);
		free(w->v[i].val);
	}
	free(w->v);
	w->v = NULL;
	w->n = w->cap = 0;
}

int
sq_org_merge(struct store *bs, const char *from, const char *into,
             store_rewrite_fn therapist_fn, store_rewrite_fn profile_fn,
             void *arg, int *found, long *changed)
{
	struct store_sqlite *s = S(bs);
	struct rewrites w = {0};
	size_t i;
	int rc, n = 0;

	*found = 0;
	*changed = 0;
	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "merging organizations", sq_row_one, &n,
		    "SELECT 1 FROM org WHERE id IN (?1, ?2)", "tt", from, into);
	if (rc == 0 && n == 2 && strcmp(from, into) != 0) {
		*found = 1;
		w.fn = therapist_fn;
		w.arg = arg;
		rc = sq_run(s, "merging organizations", row_rewrite, &w,
			    "SELECT id, packed, 0 FROM therapist ORDER BY id", "");
		if (rc == 0 && w.err)
			rc = -1, store_error("merging organizations: rewriting a therapist failed");
		for (i = 0; rc == 0 && i < w.n; i++)
			rc = sq_run(s, "merging organizations", NULL, NULL,
				    "UPDATE therapist SET packed = ?2 WHERE id = ?1", "tB",
				    w.v[i].key, w.v[i].val, w.v[i].n);
		*changed += (long)w.n;
		rewrites_free(&w);
		w.fn = profile_fn;
		w.profiles = true;
		if (rc == 0)
			rc = sq_run(s, "merging organizations", row_rewrite, &w,
				    "SELECT CAST(user_id AS TEXT), fields, user_id FROM seeker_profile", "");
		if (rc == 0 && w.err)
			rc = -1, store_error("merging organizations: rewriting a profile failed");
		for (i = 0; rc == 0 && i < w.n; i++)
			rc = sq_run(s, "merging organizations", NULL, NULL,
				    "UPDATE seeker_profile SET fields = ?2 WHERE user_id = ?1", "iB",
				    w.v[i].user, w.v[i].val, w.v[i].n);
		*changed += (long)w.n;
		rewrites_free(&w);
		if (rc == 0)
			rc = sq_run(s, "merging organizations", NULL, NULL,
				    "DELETE FROM org WHERE id = ?1", "t", from);
	}
	if (rc != 0)
		*changed = 0;
	return sq_tx_end(s, rc);
}
