/*
 * directory.c: from the store to the index (see directory.h), for the
 * commands and the server alike.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/directory.h"
#include "core/form.h"
#include "app/ctx.h"
#include "app/identity.h"
#include "app/profile.h"
#include "app/seal.h"

#include <sodium.h>

int
directory_compacts(const struct taxonomy *tax, const char *path,
                   struct compacts *out, char *err, size_t errlen)
{
	struct verr e;
	size_t len = 0;
	char *text;
	int rc;

	if (!path)
		return compacts_parse(tax, chiron_compacts_json, chiron_compacts_json_len,
		                      out, &e) ?
		       (snprintf(err, errlen, "built-in compacts: %s: %s", e.field, e.msg), -1) : 0;
	text = app_read_file(path, &len, err, errlen);
	if (!text)
		return -1;
	rc = compacts_parse(tax, text, len, out, &e);
	if (rc)
		snprintf(err, errlen, "%s: %s%s%s", path, e.field, e.field[0] ? ": " : "", e.msg);
	free(text);
	return rc;
}

struct load {
	const struct taxonomy *tax;
	struct index_builder *b;
	struct arena a;
	char err[512];
};

static int
load_org(void *arg, const struct store_org *so)
{
	struct load *l = arg;
	struct org o;
	int kind = tax_find(l->tax, TAX_ORG_KIND, so->kind);

	if (kind < 0) {
		snprintf(l->err, sizeof(l->err), "organization %s: stored kind \"%s\" is not in the taxonomy",
		         so->id, so->kind);
		return 1;
	}
	o.id = so->id;
	o.name = so->name;
	o.kind = (uint8_t)kind;
	o.jurisdiction = (int16_t)(so->jurisdiction ?
		tax_find(l->tax, TAX_JURISDICTION, so->jurisdiction) : -1);
	if (index_add_org(l->b, &o)) {
		snprintf(l->err, sizeof(l->err), "out of memory");
		return 1;
	}
	return 0;
}

static int
load_therapist(void *arg, const char *id, const void *p, size_t n)
{
	struct load *l = arg;
	struct therapist t;
	struct verr e;

	arena_reset(&l->a);
	if (therapist_unpack(l->tax, p, n, &l->a, &t, &e) ||
	    index_add_therapist(l->b, &t, &e)) {
		snprintf(l->err, sizeof(l->err), "therapist %s: %s%s%s", id, e.field,
		         e.field[0] ? ": " : "", e.msg);
		return 1;
	}
	return 0;
}

struct index *
directory_index(struct store *st, const struct taxonomy *tax,
                const struct compacts *cx, char *err, size_t errlen)
{
	struct load l;
	struct verr e;
	struct index *ix;

	memset(&l, 0, sizeof(l));
	l.tax = tax;
	l.b = index_builder_new(tax, cx);
	if (!l.b) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	arena_init(&l.a, 16384);
	if (store_scan_orgs(st, load_org, &l) ||
	    store_scan_therapists(st, load_therapist, &l)) {
		snprintf(err, errlen, "%s", l.err[0] ? l.err : store_errmsg(st));
		arena_free(&l.a);
		index_free(index_finish(l.b, &e));
		return NULL;
	}
	arena_free(&l.a);
	ix = index_finish(l.b, &e);
	if (!ix) {
		snprintf(err, errlen, "%s", e.msg);
		return NULL;
	}
	if (directory_pause_stale(st, ix, (int64_t)time(NULL)) < 0) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		index_free(ix);
		return NULL;
	}
	/* Load this year's and next year's offsets of every zone now, not
	 * in the first queries. */
	{
		int64_t now = (int64_t)time(NULL);
		int i;

		for (i = 0; i < ix->n_zones; i++) {
			tz_offset_at(ix->zones[i], now);
			tz_offset_at(ix->zones[i], now + 365 * 86400);
		}
	}
	return ix;
}

struct pause_ctx {
	struct index *ix;
	long n;
};

static int
pause_one(void *arg, const struct store_listing *l)
{
	struct pause_ctx *p = arg;
	int64_t row = index_row(p->ix, l->therapist_id);

	if (row >= 0) {
		index_set_paused(p->ix, (uint32_t)row, true);
		p->n++;
	}
	return 0;
}

long
directory_pause_stale(struct store *st, struct index *ix, int64_t now)
{
	struct pause_ctx p = {ix, 0};

	if (STORE_CALL(st, listings_stale, now - (int64_t)LISTING_STALE_DAYS * 86400, pause_one, &p) ||
	    STORE_CALL(st, listings_hidden, pause_one, &p))
		return -1;
	return p.n;
}

char *
app_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 65536, n = 0;
	char *p = NULL, *q;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t r;

		if (!(q = realloc(p, cap + 1))) {
			snprintf(err, errlen, "%s: out of memory", path);
			free(p);
			p = NULL;
			break;
		}
		p = q;
		r = fread(p + n, 1, cap - n, f);
		n += r;
		if (n < cap) {
			if (ferror(f)) {
				snprintf(err, errlen, "%s: %s", path, strerror(errno));
				free(p);
				p = NULL;
			}
			break;
		}
		cap *= 2;
	}
	if (f != stdin)
		fclose(f);
	if (p) {
		p[n] = '\0';
		*len = n;
	}
	return p;
}

/* ----------------------------------------------------------------------
 * Merging organizations
 * ---------------------------------------------------------------------- */

struct merge {
	struct ctx *cx;
	const struct taxonomy *tax;
	const char *from, *into;
	struct arena a;
};

static int
merge_therapist(void *arg, const char *id, const void *in, size_t n, void **out, size_t *outn)
{
	struct merge *m = arg;
	struct therapist t;
	struct verr e;
	struct buf b = BUF_INIT;
	int i, j, k, hit = 0;

	(void)id;
	arena_reset(&m->a);
	if (therapist_unpack(m->tax, in, n, &m->a, &t, &e))
		return -1;
	for (i = 0; i < t.n_affils; i++)
		if (!t.affils[i].person && strcmp(t.affils[i].ref, m->from) == 0) {
			t.affils[i].ref = m->into;
			hit = 1;
		}
	if (!hit)
		return 0;
	/* Drop what became a repeat of an earlier affiliation. */
	for (i = k = 0; i < t.n_affils; i++) {
		for (j = 0; j < k; j++)
			if (t.affils[j].person == t.affils[i].person &&
			    t.affils[j].role == t.affils[i].role &&
			    t.affils[j].current == t.affils[i].current &&
			    strcmp(t.affils[j].ref, t.affils[i].ref) == 0)
				break;
		if (j == k)
			t.affils[k++] = t.affils[i];
	}
	t.n_affils = k;
	if (therapist_pack(m->tax, &t, &b)) {
		buf_free(&b);
		return -1;
	}
	*out = buf_take(&b, outn);
	return *out ? 1 : -1;
}

/* The rewrite of one profile's plain fields (in, n bytes with a NUL). */
static int
merge_profile_text(struct merge *m, const void *in, size_t n, void **out, size_t *outn)
{
	const char *p = in, *end = p + (n ? n - 1 : 0);
	struct buf b = BUF_INIT;
	int hit = 0;

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *eq;
		size_t len = amp ? (size_t)(amp - p) : (size_t)(end - p);
		char v[256];

		eq = memchr(p, '=', len);
		if (b.len && buf_addc(&b, '&'))
			goto fail;
		/* aff_orgN (an id typed, or an old profile) and aff_idN (the
		 * registry's id beside the name the search form shows). */
		if (eq && (strncmp(p, "aff_org", 7) == 0 || strncmp(p, "aff_id", 6) == 0)) {
			form_decode(eq + 1, len - (size_t)(eq + 1 - p), v, sizeof(v));
			if (strcmp(v, m->from) == 0) {
				if (buf_add(&b, p, (size_t)(eq + 1 - p)) || buf_adds(&b, m->into))
					goto fail;
				hit = 1;
				p += len + (amp ? 1 : 0);
				continue;
			}
		}
		if (buf_add(&b, p, len))
			goto fail;
		p += len + (amp ? 1 : 0);
	}
	if (!hit) {
		buf_free(&b);
		return 0;
	}
	if (buf_addc(&b, '\0'))
		goto fail;
	*out = buf_take(&b, outn);
	return *out ? 1 : -1;
fail:
	buf_free(&b);
	return -1;
}

/*
 * A saved profile is sealed under its owner's key (app/profile.c): opened,
 * rewritten, sealed again. One from before issue 11 (clear) is sealed
 * on its way back. One that does not open stops the merge (nothing
 * changes); one whose owner erased their account is left as it is.
 */
static int
merge_profile(void *arg, const char *id, const void *in, size_t n, void **out, size_t *outn)
{
	struct merge *m = arg;
	struct buf plain = BUF_INIT, sealed = BUF_INIT;
	char *end;
	long long uid = strtoll(id, &end, 10);
	void *text = NULL;
	size_t textn = 0;
	int rc;

	if (*end || uid <= 0 || !n)
		return -1;
	if (seal_kid_of(in, n - 1) == 0) {
		if (buf_add(&plain, in, n - 1))
			return -1;
	} else if (profile_open(m->cx, uid, in, n - 1, &plain))
		return -1;
	if (!plain.p) {
		buf_free(&plain);
		return 0;               /* erased, or empty: nothing to rewrite */
	}
	rc = merge_profile_text(m, plain.p, plain.len + 1, &text, &textn);
	if (rc == 0 && seal_kid_of(in, n - 1) == 0) {
		/* Clear: sealed as it is. */
		rc = 1;
		text = NULL;
	}
	if (rc == 1) {
		if (profile_seal(m->cx, uid, text ? (const char *)text : plain.p, &sealed))
			rc = -1;
		else
			*out = buf_take(&sealed, outn), rc = *out ? 1 : -1;
	}
	if (text)
		sodium_memzero(text, textn);
	free(text);
	sodium_memzero(plain.p, plain.len);
	buf_free(&plain);
	buf_free(&sealed);
	return rc;
}

int
directory_merge_orgs(struct ctx *cx, const char *from, const char *into, int *found,
                     long *changed)
{
	struct merge m = {cx, cx->sv->tax, from, into, {0}};
	struct store *st = cx->sv->store;
	int rc;

	arena_init(&m.a, 16384);
	rc = STORE_CALL(st, org_merge, from, into, merge_therapist, merge_profile, &m, found, changed);
	arena_free(&m.a);
	return rc;
}
