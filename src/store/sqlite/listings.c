/*
 * listings.c: listings: claims, their verification and one-time codes,
 * confirmations that a listing is current, hiding, and editing a listing's
 * record, policies and availability modes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_int.h"

int
sq_listing_claim(struct store *bs, int64_t user, const char *tid, const char *npi, int64_t now)
{
	struct store_sqlite *s = S(bs);
	int rc;

	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "claiming a listing", NULL, NULL,
		    "INSERT INTO listing (therapist_id, user_id, npi_given, claimed_at) "
		    "VALUES (?1, ?2, ?3, ?4)", "titi", tid, user, npi, now);
	if (rc == 0)
		rc = sq_run(s, "claiming a listing", NULL, NULL,
			    "UPDATE user SET therapist_id = ?1 WHERE id = ?2", "ti", tid, user);
	return sq_tx_end(s, rc);
}

#define LISTING_COLS "therapist_id, user_id, npi_given, claimed_at, verified_at, confirmed_at, " \
	"created, contact, contact_source, code_hash IS NOT NULL, code_sent_at, code_sent_by, " \
	"code_expires, code_tries, code_ok_at, verified_by, verified_how, npi_checked, licence_board, " \
	"licence_number, override_reason"

static void
read_listing(sqlite3_stmt *st, struct store_listing *l)
{
	sq_copy_col(l->therapist_id, sizeof(l->therapist_id), st, 0);
	l->user = sqlite3_column_int64(st, 1);
	sq_copy_col(l->npi_given, sizeof(l->npi_given), st, 2);
	l->claimed_at = sqlite3_column_int64(st, 3);
	l->verified_at = sqlite3_column_int64(st, 4);
	l->confirmed_at = sqlite3_column_int64(st, 5);
	l->created = sqlite3_column_int(st, 6);
	sq_copy_col(l->contact, sizeof(l->contact), st, 7);
	sq_copy_col(l->contact_source, sizeof(l->contact_source), st, 8);
	l->code_live = sqlite3_column_int(st, 9);
	l->code_sent_at = sqlite3_column_int64(st, 10);
	l->code_sent_by = sqlite3_column_int64(st, 11);
	l->code_expires = sqlite3_column_int64(st, 12);
	l->code_tries = sqlite3_column_int(st, 13);
	l->code_ok_at = sqlite3_column_int64(st, 14);
	l->verified_by = sqlite3_column_int64(st, 15);
	sq_copy_col(l->verified_how, sizeof(l->verified_how), st, 16);
	l->npi_checked = sqlite3_column_int(st, 17);
	sq_copy_col(l->licence_board, sizeof(l->licence_board), st, 18);
	sq_copy_col(l->licence_number, sizeof(l->licence_number), st, 19);
	sq_copy_col(l->override_reason, sizeof(l->override_reason), st, 20);
}

static int
row_listing(sqlite3_stmt *st, void *arg)
{
	struct found *f = arg;

	read_listing(st, f->out);
	*f->found = 1;
	return 1;
}

int
sq_listing_get(struct store *bs, const char *tid, struct store_listing *l, int *found)
{
	struct found f = {l, found};

	*found = 0;
	return sq_run(S(bs), "reading a listing", row_listing, &f,
		      "SELECT " LISTING_COLS " FROM listing WHERE therapist_id = ?1", "t", tid);
}

int
sq_listing_verify(struct store *bs, const char *tid, int64_t by, const char *how, int64_t now,
                  int *found)
{
	int n = 0, rc = sq_run(S(bs), "verifying a listing", sq_row_count, &n,
			       "UPDATE listing SET verified_at = ?1, verified_by = ?3, verified_how = ?4, "
			       "code_hash = NULL WHERE therapist_id = ?2 AND verified_at = 0 RETURNING 1",
			       "itit", now, tid, by, how);

	*found = rc == 0 && n > 0;
	return rc;
}

int
sq_listing_verify_checked(struct store *bs, const char *tid, int64_t by, const struct store_verify *v,
                          int64_t now, int *found)
{
	int n = 0, rc = sq_run(S(bs), "verifying a listing", sq_row_count, &n,
			       "UPDATE listing SET verified_at = ?1, verified_by = ?3, verified_how = ?4, "
			       "npi_checked = ?5, licence_board = ?6, licence_number = ?7, "
			       "override_reason = ?8, code_hash = NULL "
			       "WHERE therapist_id = ?2 AND verified_at = 0 RETURNING 1",
			       "ititittt", now, tid, by, v->how, (int64_t)v->npi_checked, v->board,
			       v->licence, v->override_reason);

	*found = rc == 0 && n > 0;
	return rc;
}

int
sq_listing_code_put(struct store *bs, const char *tid, const unsigned char hash[32],
                    const char *contact, const char *source, int64_t by, int64_t expires,
                    int64_t now, int *found)
{
	int n = 0, rc = sq_run(S(bs), "storing a claim's code", sq_row_count, &n,
			       "UPDATE listing SET code_hash = ?2, contact = ?3, contact_source = ?4, "
			       "code_sent_by = ?5, code_sent_at = ?6, code_expires = ?7, code_tries = 0, "
			       "code_ok_at = 0 WHERE therapist_id = ?1 AND verified_at = 0 RETURNING 1",
			       "tbttiii", tid, hash, contact, source, by, now, expires);

	*found = rc == 0 && n > 0;
	return rc;
}

struct code_row {
	char tid[72];
	int live, same, tries;
	int64_t expires;
};

static int
row_code(sqlite3_stmt *st, void *arg)
{
	struct code_row *c = arg;

	sq_copy_col(c->tid, sizeof(c->tid), st, 0);
	c->live = sqlite3_column_int(st, 1);
	c->expires = sqlite3_column_int64(st, 2);
	c->tries = sqlite3_column_int(st, 3);
	c->same = sqlite3_column_int(st, 4);
	return 1;
}

int
sq_listing_code_take(struct store *bs, int64_t user, const unsigned char hash[32], int64_t now,
                     int max_tries, int *result, int *left)
{
	struct store_sqlite *s = S(bs);
	struct code_row c;
	int rc;

	memset(&c, 0, sizeof(c));
	*result = STORE_CODE_NONE;
	*left = 0;
	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "checking a claim's code", row_code, &c,
		    "SELECT therapist_id, code_hash IS NOT NULL, code_expires, code_tries, "
		    "coalesce(code_hash = ?2, 0) FROM listing WHERE user_id = ?1 AND verified_at = 0",
		    "ib", user, hash);
	if (rc == 0 && c.tid[0] && c.live) {
		if (c.expires <= now) {
			*result = STORE_CODE_EXPIRED;
			rc = sq_run(s, "checking a claim's code", NULL, NULL,
				    "UPDATE listing SET code_hash = NULL WHERE therapist_id = ?1", "t", c.tid);
		} else if (c.same) {
			*result = STORE_CODE_OK;
			rc = sq_run(s, "checking a claim's code", NULL, NULL,
				    "UPDATE listing SET code_hash = NULL, code_ok_at = ?2 "
				    "WHERE therapist_id = ?1", "ti", c.tid, now);
		} else {
			c.tries++;
			*left = max_tries - c.tries > 0 ? max_tries - c.tries : 0;
			*result = *left ? STORE_CODE_WRONG : STORE_CODE_VOIDED;
			rc = sq_run(s, "checking a claim's code", NULL, NULL,
				    "UPDATE listing SET code_tries = ?2, "
				    "code_hash = CASE WHEN ?3 THEN code_hash END WHERE therapist_id = ?1",
				    "tii", c.tid, (int64_t)c.tries, (int64_t)(*left > 0));
		}
	}
	return sq_tx_end(s, rc);
}

int
sq_listing_unclaim(struct store *bs, const char *tid, int *found)
{
	struct store_sqlite *s = S(bs);
	int rc;

	*found = 0;
	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "dropping a claim", NULL, NULL,
		    "DELETE FROM listing WHERE therapist_id = ?1 AND verified_at = 0 AND created = 0",
		    "t", tid);
	if (rc == 0)
		*found = sqlite3_changes(s->db) > 0;
	if (rc == 0 && *found)
		rc = sq_run(s, "dropping a claim", NULL, NULL,
			    "UPDATE user SET therapist_id = NULL WHERE therapist_id = ?1", "t", tid);
	return sq_tx_end(s, rc);
}

int
sq_listing_confirm(struct store *bs, const char *tid, int64_t now)
{
	return sq_run(S(bs), "confirming a listing", NULL, NULL,
		      "UPDATE listing SET confirmed_at = ?1 WHERE therapist_id = ?2", "it", now, tid);
}

/* Listings gathered under the lock, handed to a callback after it. */
struct listings {
	struct store_listing *v;
	size_t n, cap;
	int max, oom;
};

static int
row_listing_gather(sqlite3_stmt *st, void *arg)
{
	struct listings *x = arg;

	if (vec_grow(&x->v, &x->cap, x->n + 1, sizeof(*x->v)))
		return x->oom = 1;
	memset(&x->v[x->n], 0, sizeof(x->v[x->n]));
	if (sqlite3_column_count(st) == 3) {     /* hidden: id, when, created */
		sq_copy_col(x->v[x->n].therapist_id, sizeof(x->v[x->n].therapist_id), st, 0);
		x->v[x->n].claimed_at = sqlite3_column_int64(st, 1);
		x->v[x->n].created = sqlite3_column_int(st, 2);
	} else {
		read_listing(st, &x->v[x->n]);
	}
	return ++x->n == (size_t)x->max;
}

static int
hand_over(struct store_sqlite *s, struct listings *x, int rc, store_listing_fn fn, void *arg)
{
	size_t i;

	if (rc == 0 && x->oom)
		rc = sq_fail(s, "out of memory reading listings");
	for (i = 0; rc == 0 && i < x->n; i++)
		if (fn(arg, &x->v[i]))
			break;
	free(x->v);
	return rc;
}

int
sq_listings_unverified(struct store *bs, int max, store_listing_fn fn, void *arg)
{
	struct listings x = {NULL, 0, 0, max, 0};
	int rc = sq_run(S(bs), "reading listings", row_listing_gather, &x,
			"SELECT " LISTING_COLS " FROM listing WHERE verified_at = 0 "
			"ORDER BY claimed_at LIMIT ?1", "i", (int64_t)max);

	return hand_over(S(bs), &x, rc, fn, arg);
}

int
sq_listings_verified(struct store *bs, int max, store_listing_fn fn, void *arg)
{
	struct listings x = {NULL, 0, 0, max, 0};
	int rc = sq_run(S(bs), "reading listings", row_listing_gather, &x,
			"SELECT " LISTING_COLS " FROM listing WHERE verified_at != 0 "
			"ORDER BY verified_at DESC, therapist_id LIMIT ?1", "i", (int64_t)max);

	return hand_over(S(bs), &x, rc, fn, arg);
}

int
sq_listings_stale(struct store *bs, int64_t before, store_listing_fn fn, void *arg)
{
	struct listings x = {NULL, 0, 0, -1, 0};
	int rc = sq_run(S(bs), "reading stale listings", row_listing_gather, &x,
			"SELECT " LISTING_COLS " FROM listing "
			"WHERE verified_at != 0 AND max(confirmed_at, claimed_at) < ?1 "
			"ORDER BY therapist_id", "i", before);

	return hand_over(S(bs), &x, rc, fn, arg);
}

int
sq_listings_to_remind(struct store *bs, int64_t before, store_listing_fn fn, void *arg)
{
	struct listings x = {NULL, 0, 0, -1, 0};
	int rc = sq_run(S(bs), "reading listings to remind", row_listing_gather, &x,
			"SELECT " LISTING_COLS " FROM listing "
			"WHERE verified_at != 0 AND max(confirmed_at, claimed_at) < ?1 "
			"AND reminded_at <= max(confirmed_at, claimed_at) ORDER BY therapist_id",
			"i", before);

	return hand_over(S(bs), &x, rc, fn, arg);
}

int
sq_listing_remind(struct store *bs, const char *tid, const unsigned char hash[32],
                  int64_t expires, int64_t now)
{
	struct store_sqlite *s = S(bs);
	int rc;

	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "recording a reminder", NULL, NULL,
		    "UPDATE listing SET reminded_at = ?2 WHERE therapist_id = ?1", "ti", tid, now);
	if (rc == 0)
		rc = sq_run(s, "recording a reminder", NULL, NULL,
			    "DELETE FROM confirm_token WHERE expires_at < ?1", "i", now);
	if (rc == 0)
		rc = sq_run(s, "recording a reminder", NULL, NULL,
			    "INSERT INTO confirm_token (token_hash, therapist_id, expires_at) "
			    "VALUES (?1, ?2, ?3)", "bti", hash, tid, expires);
	return sq_tx_end(s, rc);
}

int
sq_confirm_take(struct store *bs, const unsigned char hash[32], int64_t now,
                char tid[72], int *found)
{
	struct store_sqlite *s = S(bs);
	struct text_out t = {tid, 72};
	int rc;

	*found = 0;
	tid[0] = '\0';
	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "using a confirmation link", sq_row_text, &t,
		    "DELETE FROM confirm_token WHERE token_hash = ?1 AND expires_at > ?2 "
		    "RETURNING therapist_id", "bi", hash, now);
	if (rc == 0 && tid[0]) {
		*found = 1;
		rc = sq_run(s, "confirming a listing", NULL, NULL,
			    "UPDATE listing SET confirmed_at = ?2 WHERE therapist_id = ?1", "ti", tid, now);
	}
	return sq_tx_end(s, rc);
}

int
sq_listing_hide(struct store *bs, const char *tid, int hidden, int64_t now)
{
	if (hidden)
		return sq_run(S(bs), "hiding a listing", NULL, NULL,
			      "INSERT INTO hidden_listing (therapist_id, hidden_at) VALUES (?1, ?2) "
			      "ON CONFLICT DO NOTHING", "ti", tid, now);
	return sq_run(S(bs), "showing a listing", NULL, NULL,
		      "DELETE FROM hidden_listing WHERE therapist_id = ?1", "t", tid);
}

static int
row_flag(sqlite3_stmt *st, void *arg)
{
	(void)st;
	*(int *)arg = 1;
	return 1;
}

int
sq_listing_hidden(struct store *bs, const char *tid, int *hidden)
{
	*hidden = 0;
	return sq_run(S(bs), "reading hidden listings", row_flag, hidden,
		      "SELECT 1 FROM hidden_listing WHERE therapist_id = ?1 UNION ALL "
		      "SELECT 1 FROM listing WHERE therapist_id = ?1 AND created = 1 AND verified_at = 0",
		      "t", tid);
}

int
sq_listings_hidden(struct store *bs, store_listing_fn fn, void *arg)
{
	struct listings x = {NULL, 0, 0, -1, 0};
	int rc = sq_run(S(bs), "reading hidden listings", row_listing_gather, &x,
			"SELECT therapist_id, hidden_at, 0 FROM hidden_listing UNION ALL "
			"SELECT therapist_id, claimed_at, 1 FROM listing WHERE created = 1 "
			"AND verified_at = 0 ORDER BY 1, 3", "");

	return hand_over(S(bs), &x, rc, fn, arg);
}

/* ---- editing listings and their policies ---- */

static int
put_policy(struct store_sqlite *s, const char *id, const struct store_policy *pol, int64_t now)
{
	return sq_run(s, "saving the policies", NULL, NULL,
		      "INSERT INTO listing_policy (therapist_id, confidentiality, events, dual, updated_at) "
		      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (therapist_id) DO UPDATE SET "
		      "confidentiality = excluded.confidentiality, events = excluded.events, "
		      "dual = excluded.dual, updated_at = excluded.updated_at",
		      "tttti", id, pol->confidentiality, pol->events, pol->dual, now);
}

/* Replaces the windows' modalities of id (inside a transaction). */
static int
put_modes(struct store_sqlite *s, const char *id, const struct store_avail_modes *m)
{
	int rc = sq_run(s, "saving the hours' places", NULL, NULL,
			"DELETE FROM avail_mode WHERE therapist_id = ?1", "t", id), i;

	for (i = 0; rc == 0 && i < m->n; i++)
		rc = sq_run(s, "saving the hours' places", NULL, NULL,
			    "INSERT OR REPLACE INTO avail_mode (therapist_id, day, start_min, end_min, modes) "
			    "VALUES (?1, ?2, ?3, ?4, ?5)", "tiiii", id, (int64_t)m->v[i].day,
			    (int64_t)m->v[i].start, (int64_t)m->v[i].end, (int64_t)m->v[i].modes);
	return rc;
}

static int
row_mode(sqlite3_stmt *st, void *arg)
{
	struct store_avail_modes *m = arg;

	if (m->n == STORE_AVAIL_MODES_MAX)
		return 1;
	m->v[m->n].day = (uint8_t)sqlite3_column_int(st, 0);
	m->v[m->n].start = (uint16_t)sqlite3_column_int(st, 1);
	m->v[m->n].end = (uint16_t)sqlite3_column_int(st, 2);
	m->v[m->n].modes = (uint8_t)sqlite3_column_int(st, 3);
	m->n++;
	return 0;
}

int
sq_avail_modes_get(struct store *bs, const char *id, struct store_avail_modes *out)
{
	out->n = 0;
	return sq_run(S(bs), "reading the hours' places", row_mode, out,
		      "SELECT day, start_min, end_min, modes FROM avail_mode WHERE therapist_id = ?1 "
		      "ORDER BY day, start_min", "t", id);
}

int
sq_listing_save(struct store *bs, const char *id, const void *packed, size_t n,
                const struct store_policy *pol, const struct store_avail_modes *modes,
                int64_t now, int *found)
{
	struct store_sqlite *s = S(bs);
	int rc;

	*found = 0;
	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "saving a listing", NULL, NULL,
		    "UPDATE therapist SET packed = ?2 WHERE id = ?1", "tB", id, packed, n);
	if (rc == 0)
		*found = sqlite3_changes(s->db) > 0;
	if (rc == 0 && *found && pol)
		rc = put_policy(s, id, pol, now);
	if (rc == 0 && *found && modes)
		rc = put_modes(s, id, modes);
	return sq_tx_end(s, rc);
}

int
sq_policy_save(struct store *bs, const char *id, const struct store_policy *pol, int64_t now,
               int *found)
{
	struct store_sqlite *s = S(bs);
	int rc, n = 0;

	*found = 0;
	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "saving the policies", sq_row_one, &n, "SELECT 1 FROM therapist WHERE id = ?1", "t", id);
	if (rc == 0 && n) {
		*found = 1;
		rc = put_policy(s, id, pol, now);
	}
	return sq_tx_end(s, rc);
}

int
sq_listing_create(struct store *bs, int64_t user, const char *id, const void *packed,
                  size_t n, const char *npi, const struct store_policy *pol,
                  const struct store_avail_modes *modes, int64_t now)
{
	struct store_sqlite *s = S(bs);
	int rc;

	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "creating a listing", NULL, NULL,
		    "INSERT INTO therapist (id, packed) SELECT ?1, ?2 "
		    "WHERE NOT EXISTS (SELECT 1 FROM org WHERE id = ?1)", "tB", id, packed, n);
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		rc = STORE_EXISTS;
	if (rc == 0)
		rc = sq_run(s, "creating a listing", NULL, NULL,
			    "INSERT INTO listing (therapist_id, user_id, npi_given, claimed_at, confirmed_at, "
			    "created) VALUES (?1, ?2, ?3, ?4, ?4, 1)", "titi", id, user, npi ? npi : "", now);
	if (rc == 0)
		rc = sq_run(s, "creating a listing", NULL, NULL,
			    "UPDATE user SET therapist_id = ?1 WHERE id = ?2", "ti", id, user);
	if (rc == 0 && pol)
		rc = put_policy(s, id, pol, now);
	if (rc == 0 && modes)
		rc = put_modes(s, id, modes);
	return sq_tx_end(s, rc);
}

int
sq_listing_remove(struct store *bs, const char *id, int *found)
{
	static const char *const sql[] = {
		"DELETE FROM listing WHERE therapist_id = ?1",
		"DELETE FROM listing_policy WHERE therapist_id = ?1",
		"DELETE FROM hidden_listing WHERE therapist_id = ?1",
		"DELETE FROM listing_profile WHERE therapist_id = ?1",
		"UPDATE user SET therapist_id = NULL WHERE therapist_id = ?1",
	};
	struct store_sqlite *s = S(bs);
	size_t i;
	int rc;

	*found = 0;
	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "removing a listing", NULL, NULL, "DELETE FROM therapist WHERE id = ?1", "t", id);
	if (rc == 0)
		*found = sqlite3_changes(s->db) > 0;
	for (i = 0; rc == 0 && *found && i < sizeof(sql) / sizeof(sql[0]); i++)
		rc = sq_run(s, "removing a listing", NULL, NULL, sql[i], "t", id);
	return sq_tx_end(s, rc);
}

static int
row_policy(sqlite3_stmt *st, void *arg)
{
	struct found *f = arg;
	struct store_policy *pol = f->out;

	sq_copy_col(pol->confidentiality, sizeof(pol->confidentiality), st, 0);
	sq_copy_col(pol->events, sizeof(pol->events), st, 1);
	sq_copy_col(pol->dual, sizeof(pol->dual), st, 2);
	pol->updated_at = sqlite3_column_int64(st, 3);
	*f->found = 1;
	return 1;
}

int
sq_policy_get(struct store *bs, const char *id, struct store_policy *pol, int *found)
{
	struct found f = {pol, found};

	memset(pol, 0, sizeof(*pol));
	*found = 0;
	return sq_run(S(bs), "reading the policies", row_policy, &f,
		      "SELECT confidentiality, events, dual, updated_at FROM listing_policy "
		      "WHERE therapist_id = ?1", "t", id);
}
