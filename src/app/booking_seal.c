/*
 * booking_seal.c: who booked whom, sealed at rest (booking.h, "Sealed at
 * rest"; docs/security.md).
 *
 * An appointment, a series and a place on a waitlist name their seeker
 * by a struct store_link: the seeker's data key number in the clear
 * (dkey: "a seeker's rows" is WHERE dkey = ?, and the seat index keeps
 * one person from two seats of one session), and their account id
 * sealed under that key for "<table>.seeker#<rk>", rk the row's random
 * key. Nothing in a row says who booked without the key file; a row's
 * sealed id copied into another row does not open there; erasing a
 * seeker (seal_forget of their key) leaves the times and the therapist's
 * side as they were, the seeker shown as a person who has since closed
 * their account.
 *
 * The store never sees a seeker's id: every read of these rows by the
 * services goes through the functions here, which open each row's link
 * (8 bytes, big-endian) and fail the whole read closed (-1, the reason in
 * store_error) on a value that does not open. A closure's note is sealed
 * the same way under the therapist's key (closed_range.note#rk).
 *
 * booking_seal_legacy seals, once at start, the rows an older chiron kept
 * in the clear: the seeker ids, the closures' notes and the busy times
 * (calendar.c), in one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/seal.h"
#include "app/services.h"
#include "core/buf.h"
#include "core/vec.h"

_Static_assert(STORE_RK_BYTES == SEAL_RK_BYTES, "a row key is a row key");
_Static_assert(STORE_SEALED_ID_MAX >= SEAL_OVERHEAD + 8, "room for a sealed id");
_Static_assert(STORE_SEALED_NOTE_MAX >= SEAL_OVERHEAD + 199, "room for a sealed note");

#define OPEN_FAILED "a stored value could not be opened"

static void
be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

int
seeker_dkey(struct ctx *cx, int64_t uid, int64_t *dkey)
{
	return seal_user_key(cx, uid, dkey);
}

int
link_seal(struct ctx *cx, const char *table, int64_t uid, struct store_link *l)
{
	struct buf b = BUF_INIT;
	unsigned char id[8];
	int rc = -1;

	memset(l, 0, sizeof(*l));
	if (seal_user_key(cx, uid, &l->dkey))
		return -1;
	seal_rk(l->rk);
	be64(id, (uint64_t)uid);
	if (seal_put(cx, l->dkey, table, "seeker", l->rk, sizeof(l->rk), id, sizeof(id), &b) == 0 &&
	    b.len <= sizeof(l->sealed)) {
		memcpy(l->sealed, b.p, b.len);
		l->sealed_n = b.len;
		rc = 0;
	}
	buf_free(&b);
	return rc;
}

int
link_open(struct ctx *cx, const char *table, const struct store_link *l, int64_t *uid)
{
	struct buf b = BUF_INIT;
	enum seal_result r;
	int64_t kid = 0;
	uint64_t v = 0;

	*uid = 0;
	r = seal_open(cx, table, "seeker", l->rk, sizeof(l->rk), l->sealed, l->sealed_n, &b, &kid);
	if (r == SEAL_GONE) {
		buf_free(&b);
		return 1;
	}
	/* The key named in the row must be the one it was sealed with: a
	 * row moved under someone else's number opens as a failure. */
	if (r != SEAL_OK || b.len != 8 || kid != l->dkey) {
		buf_free(&b);
		store_error(OPEN_FAILED " (%s.seeker)", table);
		return -1;
	}
	for (int i = 0; i < 8; i++)
		v = v << 8 | (unsigned char)b.p[i];
	buf_free(&b);
	*uid = (int64_t)v;
	if (*uid <= 0) {
		store_error(OPEN_FAILED " (%s.seeker)", table);
		return -1;
	}
	return 0;
}

/* ----------------------------------------------------------------------
 * Reads with the seeker opened
 * ---------------------------------------------------------------------- */

/* Opens a's seeker; when want is not 0, it must be want (a seeker's own rows). */
static int
appt_open(struct ctx *cx, struct store_appt *a, int64_t want)
{
	int rc = link_open(cx, "appointment", &a->link, &a->seeker);

	if (rc < 0)
		return -1;
	a->seeker_gone = rc > 0;
	if (want && a->seeker != want) {
		store_error(OPEN_FAILED " (appointment.seeker)");
		return -1;
	}
	return 0;
}

struct appt_pass {
	struct ctx *cx;
	int64_t want;
	store_appt_fn fn;
	void *arg;
	int err;
};

static int
appt_pass_one(void *arg, const struct store_appt *a)
{
	struct appt_pass *x = arg;
	struct store_appt o = *a;

	if (appt_open(x->cx, &o, x->want)) {
		x->err = 1;
		return 1;
	}
	return x->fn(x->arg, &o);
}

int
appt_get_sealed(struct ctx *cx, int64_t id, struct store_appt *a, int *found)
{
	if (STORE_CALL(cx->sv->store, appt_get, id, a, found))
		return -1;
	return *found ? appt_open(cx, a, 0) : 0;
}

int
appts_of_seeker(struct ctx *cx, int64_t uid, int64_t from, int max, store_appt_fn fn, void *arg)
{
	struct appt_pass x = {cx, uid, fn, arg, 0};
	int64_t dkey;

	if (seeker_dkey(cx, uid, &dkey) ||
	    STORE_CALL(cx->sv->store, appts_of_dkey, dkey, from, max, appt_pass_one, &x))
		return -1;
	return x.err ? -1 : 0;
}

int
appts_of_therapist(struct ctx *cx, const char *tid, int64_t from, int64_t to, int max,
                   store_appt_fn fn, void *arg)
{
	struct appt_pass x = {cx, 0, fn, arg, 0};

	if (STORE_CALL(cx->sv->store, appts_of_therapist, tid, from, to, max, appt_pass_one, &x))
		return -1;
	return x.err ? -1 : 0;
}

int
appts_to_remind(struct ctx *cx, int64_t from, int64_t to, store_appt_fn fn, void *arg)
{
	struct appt_pass x = {cx, 0, fn, arg, 0};

	if (STORE_CALL(cx->sv->store, appts_to_remind, from, to, appt_pass_one, &x))
		return -1;
	return x.err ? -1 : 0;
}

static int
series_open(struct ctx *cx, struct store_series *sr, int64_t want)
{
	int rc = link_open(cx, "series", &sr->link, &sr->seeker);

	if (rc < 0)
		return -1;
	sr->seeker_gone = rc > 0;
	if (want && sr->seeker != want) {
		store_error(OPEN_FAILED " (series.seeker)");
		return -1;
	}
	return 0;
}

int
series_get_sealed(struct ctx *cx, int64_t id, struct store_series *sr, int *found)
{
	if (STORE_CALL(cx->sv->store, series_get, id, sr, found))
		return -1;
	return *found ? series_open(cx, sr, 0) : 0;
}

struct series_pass {
	struct ctx *cx;
	int64_t want;
	store_series_fn fn;
	void *arg;
	int err;
};

static int
series_pass_one(void *arg, const struct store_series *sr)
{
	struct series_pass *x = arg;
	struct store_series o = *sr;

	if (series_open(x->cx, &o, x->want)) {
		x->err = 1;
		return 1;
	}
	return x->fn(x->arg, &o);
}

int
series_of_sealed(struct ctx *cx, int64_t uid, const char *tid, store_series_fn fn, void *arg)
{
	struct series_pass x = {cx, tid ? 0 : uid, fn, arg, 0};
	int64_t dkey = 0;

	if (!tid && seeker_dkey(cx, uid, &dkey))
		return -1;
	if (STORE_CALL(cx->sv->store, series_of, dkey, tid, series_pass_one, &x))
		return -1;
	return x.err ? -1 : 0;
}

struct wait_pass {
	struct ctx *cx;
	int64_t want;
	store_wait_fn fn;
	void *arg;
	int err;
};

static int
wait_pass_one(void *arg, const struct store_wait *w)
{
	struct wait_pass *x = arg;
	struct store_wait o = *w;
	int rc = link_open(x->cx, "waitlist", &o.link, &o.seeker);

	if (rc < 0 || (x->want && o.seeker != x->want)) {
		if (rc >= 0)
			store_error(OPEN_FAILED " (waitlist.seeker)");
		x->err = 1;
		return 1;
	}
	o.seeker_gone = rc > 0;
	return x->fn(x->arg, &o);
}

int
waits_of_seeker(struct ctx *cx, int64_t uid, store_wait_fn fn, void *arg)
{
	struct wait_pass x = {cx, uid, fn, arg, 0};
	int64_t dkey;

	if (seeker_dkey(cx, uid, &dkey) ||
	    STORE_CALL(cx->sv->store, waits_of_dkey, dkey, wait_pass_one, &x))
		return -1;
	return x.err ? -1 : 0;
}

int
waits_of_therapist(struct ctx *cx, const char *tid, store_wait_fn fn, void *arg)
{
	struct wait_pass x = {cx, 0, fn, arg, 0};

	if (STORE_CALL(cx->sv->store, waits_of_therapist, tid, wait_pass_one, &x))
		return -1;
	return x.err ? -1 : 0;
}

/* ----------------------------------------------------------------------
 * A closure's note
 * ---------------------------------------------------------------------- */

int
closure_note_seal(struct ctx *cx, int64_t owner, struct store_closed *c)
{
	struct buf b = BUF_INIT;
	int64_t kid = SEAL_SYSTEM;
	size_t n = strnlen(c->note, sizeof(c->note) - 1);
	int rc = -1;

	seal_rk(c->rk);
	c->note_sealed_n = 0;
	if (owner && seal_user_key(cx, owner, &kid))
		return -1;
	if (seal_put(cx, kid, "closed_range", "note", c->rk, sizeof(c->rk), c->note, n, &b) == 0 &&
	    b.len <= sizeof(c->note_sealed)) {
		memcpy(c->note_sealed, b.p, b.len);
		c->note_sealed_n = b.len;
		rc = 0;
	}
	buf_free(&b);
	return rc;
}

int
closure_note_open(struct ctx *cx, struct store_closed *c)
{
	struct buf b = BUF_INIT;
	enum seal_result r;

	c->note[0] = '\0';
	if (!c->note_sealed_n)
		return 0;               /* none sealed (a closure of an older chiron without one) */
	r = seal_open(cx, "closed_range", "note", c->rk, sizeof(c->rk), c->note_sealed,
	              c->note_sealed_n, &b, NULL);
	if (r == SEAL_GONE) {
		buf_free(&b);
		return 0;               /* its writer's account was erased: no note */
	}
	if (r != SEAL_OK || b.len >= sizeof(c->note)) {
		buf_free(&b);
		store_error(OPEN_FAILED " (closed_range.note)");
		return -1;
	}
	if (b.len)
		memcpy(c->note, b.p, b.len);
	c->note[b.len] = '\0';
	buf_free(&b);
	return 0;
}

/* ----------------------------------------------------------------------
 * Rows of an older chiron
 * ---------------------------------------------------------------------- */

struct legacy {
	struct ctx *cx;
	long n;
	/* busy: one user's intervals gathered, sealed when the next begins */
	int64_t user;
	struct store_busy *v;
	size_t nv, cap;
};

static int
legacy_link(void *arg, const char *table, int64_t id, int64_t seeker)
{
	struct legacy *x = arg;
	struct store_link l;

	if (seeker <= 0 || link_seal(x->cx, table, seeker, &l) ||
	    STORE_CALL(x->cx->sv->store, link_legacy_set, table, id, &l))
		return -1;
	x->n++;
	return 0;
}

/* The account holding listing tid (its note's owner), 0 when none. */
static int64_t
listing_user(struct ctx *cx, const char *tid)
{
	struct store_listing l;
	int found = 0;

	if (STORE_CALL(cx->sv->store, listing_get, tid, &l, &found) || !found)
		return 0;
	return l.user;
}

static int
legacy_note(void *arg, const char *tid, const struct store_closed *c)
{
	struct legacy *x = arg;
	struct store_closed s = *c;

	if (closure_note_seal(x->cx, listing_user(x->cx, tid), &s) ||
	    STORE_CALL(x->cx->sv->store, closed_legacy_set, &s))
		return -1;
	x->n++;
	return 0;
}

static int
legacy_busy_flush(struct legacy *x)
{
	int rc = 0;

	if (x->user && x->nv)
		rc = calendar_busy_put(x->cx, x->user, x->v, (int)x->nv);
	x->nv = 0;
	return rc;
}

static int
legacy_busy(void *arg, int64_t user, const struct store_busy *b)
{
	struct legacy *x = arg;
	struct store_busy *slot;

	if (user != x->user && legacy_busy_flush(x))
		return -1;
	x->user = user;
	if (!(slot = VEC_PUSH(x->v, x->nv, x->cap)))
		return -1;
	*slot = *b;
	x->n++;
	return 0;
}

int
booking_seal_legacy(struct services *sv, long *sealed, char *err, size_t n)
{
	struct arena a;
	struct ctx cx;
	struct legacy x;
	int rc;

	arena_init(&a, 4096);
	ctx_begin(&cx, sv, &a);
	memset(&x, 0, sizeof(x));
	x.cx = &cx;
	*sealed = 0;
	if (store_begin(sv->store)) {
		snprintf(err, n, "sealing bookings: %s", store_errmsg(sv->store));
		arena_free(&a);
		return -1;
	}
	rc = STORE_CALL(sv->store, link_legacy, legacy_link, &x);
	if (rc == 0)
		rc = STORE_CALL(sv->store, closed_legacy, legacy_note, &x);
	if (rc == 0)
		rc = STORE_CALL(sv->store, busy_legacy, legacy_busy, &x);
	if (rc == 0)
		rc = legacy_busy_flush(&x);
	free(x.v);
	if (rc) {
		snprintf(err, n, "sealing bookings kept in the clear: %s", store_errmsg(sv->store));
		store_rollback(sv->store);
		arena_free(&a);
		return -1;
	}
	if (store_commit(sv->store)) {
		snprintf(err, n, "sealing bookings: %s", store_errmsg(sv->store));
		arena_free(&a);
		return -1;
	}
	*sealed = x.n;
	arena_free(&a);
	/* The clear values' old pages may still be in the log: written back
	 * over (secure_delete zeroed them) and the log emptied. */
	if (x.n && sv->store->ops->wipe_checkpoint(sv->store)) {
		snprintf(err, n, "sealing bookings: %s", store_errmsg(sv->store));
		return -1;
	}
	return 0;
}
