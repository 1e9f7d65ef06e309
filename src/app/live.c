/*
 * live.c: snapshots of the directory: a base index rebuilt by one thread,
 * and a delta of the changes since, made again at each change (see
 * live.h for the model).
 *
 * Design notes
 *
 * 1. Locking. `lock` guards the current pointer, every snapshot's
 *    reference count, every base's context pool, the wanted/built
 *    generations, the sequence counter and the pause journal; nothing
 *    slow happens under it. `edit` serializes the writers of the
 *    directory: a change (live_put), a pause, and the builder's swap of
 *    a new base. Under `edit` the current snapshot can change only by
 *    the holder, so a writer builds the next delta from the changes and
 *    the current base outside `lock`, then takes `lock` only to swap.
 *    Order: edit, then lock.
 * 2. The changes (lv->changes, sorted by id) are the listings changed
 *    since the base was read: each one's record as stored (or removed),
 *    its pause, and the sequence number it was given. Every delta is
 *    made from all of them, over the current base: a snapshot's delta
 *    never refers to another's, and a reader holding an old snapshot
 *    keeps its base, its delta index and its gone rows until it gives
 *    them back.
 * 3. A full build records lv->seq before it reads the store. A change
 *    is applied to the store before it is given a number, so a change
 *    numbered before the build began is in what the build read, and is
 *    dropped when the new base is swapped in; the others are carried
 *    over (made again over the new base). A change the build also read
 *    is harmless: its record replaces the same record.
 * 4. What a reader sees: exactly the directory of a full build at the
 *    moment of the last change before it took its snapshot (the delta
 *    is exact: core/index.c, notes 7-9), but for pauses, which are set
 *    in place on the current snapshot's base or delta as before.
 * 5. A base and its match contexts outlive every snapshot over it: the
 *    last snapshot freed frees them (base->refs counts snapshots). A
 *    context is given a snapshot's delta when it is taken for it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/directory.h"
#include "app/live.h"

/* A pause applied between builds, re-applied to the build that follows. */
struct pause_note {
	char id[72];
	bool paused;
	uint64_t seq;
};

#define JOURNAL_MAX 256

/* A listing changed since the base was read (note 2). */
struct change {
	char id[72];
	void *rec;                      /* packed record; NULL: removed */
	size_t len;
	bool paused;
	uint64_t seq;
};

/* One built index and the match contexts made for it. */
struct live_base {
	struct index *ix;
	struct orgname_index *names;    /* the registry's names of ix (core/orgname.h) */
	unsigned refs;                  /* snapshots over it (under lock) */
	struct match_ctx *ctx[SNAP_CTX_MAX];
	int n_ctx;                      /* idle contexts in ctx[] */
	int made;                       /* contexts made for this index */
};

struct live {
	struct store *st;               /* the builder's own connection */
	const struct taxonomy *tax;
	const struct compacts *cx;
	int max_ctx;

	pthread_mutex_t lock;
	pthread_cond_t wake;            /* the builder: a change, or stop */
	pthread_cond_t built;           /* waiters: a new generation */
	pthread_cond_t ctx_free;        /* a context came back */
	struct snap *cur;
	uint64_t wanted, done;          /* generations asked for and built */
	bool stop;
	pthread_t thread;
	bool running;

	struct pause_note journal[JOURNAL_MAX];
	int n_journal;
	uint64_t seq;

	pthread_mutex_t edit;           /* the writers (note 1) */
	struct change *changes;         /* sorted by id (under edit) */
	size_t n_changes, cap_changes;
	uint64_t serial;                /* of the last delta made */
};

static void
base_free(struct live_base *b)
{
	int i;

	if (!b)
		return;
	for (i = 0; i < b->n_ctx; i++)
		match_ctx_free(b->ctx[i]);
	index_free(b->ix);
	orgname_index_free(b->names);
	free(b);
}

/* Frees s, and its base when s was the last snapshot over it. */
static void
snap_free(struct live *lv, struct snap *s)
{
	bool last;

	if (!s)
		return;
	index_free((struct index *)s->delta.ix);
	free((void *)s->delta.gone);
	pthread_mutex_lock(&lv->lock);
	last = --s->base->refs == 0;
	pthread_mutex_unlock(&lv->lock);
	if (last)
		base_free(s->base);
	free(s);
}

/*
 * The registry's names, indexed for orgs_resolve (app/orgs.c) beside the
 * index they were read from: a merge or an added organization asks for a
 * build, so the names are as current as the organizations matched. An
 * organization only named by an affiliation (no registry row) has no name.
 * prev: the current snapshot's, read by the builder (the only thread that
 * holds a reference to it for the call).
 */
static struct orgname_index *
names_of(const struct index *ix, struct orgname_index *prev)
{
	const char **names = malloc(((size_t)ix->n_orgs + 1) * sizeof(*names));
	struct orgname_index *x;
	uint32_t i;

	if (!names)
		return NULL;
	for (i = 0; i < ix->n_orgs; i++)
		names[i] = ix->org_kind[i] < KIND__MAX ? ix->org_name[i] : NULL;
	/* Most builds follow a listing's edit: the names are those of the
	 * snapshot before, whose index is shared. */
	x = orgname_index_same(prev, names, ix->n_orgs) ? orgname_index_share(prev)
	                                                 : orgname_index_build(names, ix->n_orgs);
	free(names);
	return x;
}

/* A base read from the whole store, with its registry names. */
static struct live_base *
build(struct live *lv, char *err, size_t errlen)
{
	struct live_base *b = calloc(1, sizeof(*b));
	struct orgname_index *prev;

	if (!b) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b->ix = directory_index(lv->st, lv->tax, lv->cx, err, errlen);
	if (!b->ix) {
		free(b);
		return NULL;
	}
	/* The names of the snapshot before (shared when they are the same). */
	pthread_mutex_lock(&lv->lock);
	prev = lv->cur ? orgname_index_share(lv->cur->base->names) : NULL;
	pthread_mutex_unlock(&lv->lock);
	b->names = names_of(b->ix, prev);
	orgname_index_free(prev);
	if (!b->names) {
		snprintf(err, errlen, "out of memory");
		index_free(b->ix);
		free(b);
		return NULL;
	}
	return b;
}

static int
cmp_change_id(const void *key, const void *elem)
{
	return strcmp(key, ((const struct change *)elem)->id);
}

static struct change *
change_find(struct live *lv, const char *id)
{
	if (!lv->n_changes)
		return NULL;
	return bsearch(id, lv->changes, lv->n_changes, sizeof(*lv->changes), cmp_change_id);
}

/*
 * A snapshot over base with every change numbered min_seq or later as
 * its delta (notes 2, 3); under lv->edit, outside lv->lock. NULL with the
 * reason in err.
 */
static struct snap *
snap_make(struct live *lv, struct live_base *base, uint64_t min_seq, char *err, size_t errlen)
{
	struct snap *s = calloc(1, sizeof(*s));
	struct index_builder *b = NULL;
	struct index *dix = NULL;
	uint64_t *gone = NULL;
	struct arena a;
	struct verr e;
	size_t i;

	arena_init(&a, 16384);
	if (!s)
		goto oom;
	s->ix = base->ix;
	s->names = base->names;
	s->base = base;
	s->refs = 1;
	for (i = 0; i < lv->n_changes && lv->changes[i].seq < min_seq; i++)
		;               /* (by id, not by number: look at them all) */
	if (i == lv->n_changes)
		goto done;      /* no change since min_seq: no delta */
	if (!(gone = index_gone_new(base->ix)) || !(b = index_builder_over(base->ix)))
		goto oom;
	for (i = 0; i < lv->n_changes; i++) {
		const struct change *c = &lv->changes[i];
		struct therapist t;

		if (c->seq < min_seq)
			continue;
		index_gone_mark(base->ix, gone, c->id);
		if (!c->rec)
			continue;
		arena_reset(&a);
		if (therapist_unpack(lv->tax, c->rec, c->len, &a, &t, &e) ||
		    index_add_therapist(b, &t, &e)) {
			snprintf(err, errlen, "therapist %s: %s%s%s", c->id, e.field,
			         e.field[0] ? ": " : "", e.msg);
			goto fail;
		}
	}
	dix = index_finish(b, &e);
	b = NULL;
	if (!dix) {
		snprintf(err, errlen, "%s", e.msg);
		goto fail;
	}
	for (i = 0; i < lv->n_changes; i++) {
		int64_t row;

		if (lv->changes[i].seq >= min_seq && lv->changes[i].rec && lv->changes[i].paused &&
		    (row = index_row(dix, lv->changes[i].id)) >= 0)
			index_set_paused(dix, (uint32_t)row, true);
	}
	s->delta.ix = dix;
	s->delta.gone = gone;
done:
	s->delta.serial = ++lv->serial;
	arena_free(&a);
	return s;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	if (b)
		index_free(index_finish(b, &e));
	index_free(dix);
	free(gone);
	free(s);
	arena_free(&a);
	return NULL;
}

/* Forgets the changes numbered before min_seq (under lv->edit). */
static void
changes_drop(struct live *lv, uint64_t min_seq)
{
	size_t i, j;

	for (i = j = 0; i < lv->n_changes; i++) {
		if (lv->changes[i].seq < min_seq)
			free(lv->changes[i].rec);
		else
			lv->changes[j++] = lv->changes[i];
	}
	lv->n_changes = j;
}

/* Makes s current (under lv->edit); the old one goes when its readers do. */
static void
snap_swap(struct live *lv, struct snap *s)
{
	struct snap *old;

	pthread_mutex_lock(&lv->lock);
	s->base->refs++;
	s->generation = lv->done;
	old = lv->cur;
	lv->cur = s;
	if (old && --old->refs)
		old = NULL;     /* its last reader frees it */
	pthread_mutex_unlock(&lv->lock);
	snap_free(lv, old);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
apply_pause(struct index *ix, const char *id, bool paused)
{
	int64_t row = index_row(ix, id);

	if (row >= 0)
		index_set_paused(ix, (uint32_t)row, paused);
}

static void live_pause_stale(struct live *lv);

static void *
builder(void *arg)
{
	struct live *lv = arg;
	double last_stale = now_s();

	pthread_mutex_lock(&lv->lock);
	while (!lv->stop) {
		struct live_base *nb;
		struct snap *s = NULL;
		uint64_t target, start_seq;
		char err[600];
		double t0;
		int i, j;

		if (lv->wanted == lv->done) {
			struct timespec until;

			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 60;
			pthread_cond_timedwait(&lv->wake, &lv->lock, &until);
			if (lv->stop)
				break;
			if (lv->wanted == lv->done) {
				if (now_s() - last_stale >= 3600) {
					last_stale = now_s();
					pthread_mutex_unlock(&lv->lock);
					live_pause_stale(lv);
					pthread_mutex_lock(&lv->lock);
				}
				continue;
			}
		}
		target = lv->wanted;
		start_seq = lv->seq;
		pthread_mutex_unlock(&lv->lock);

		t0 = now_s();
		nb = build(lv, err, sizeof(err));
		if (!nb)
			fprintf(stderr, "chiron: rebuilding the index: %s (the old one stays)\n", err);
		else
			fprintf(stderr, "chiron: index rebuilt (%u therapists) in %.2f s\n",
			        nb->ix->n, now_s() - t0);

		if (nb) {
			pthread_mutex_lock(&lv->edit);
			pthread_mutex_lock(&lv->lock);
			/* Pauses applied while the build read the store. */
			for (i = j = 0; i < lv->n_journal; i++) {
				if (lv->journal[i].seq < start_seq)
					continue;
				apply_pause(nb->ix, lv->journal[i].id, lv->journal[i].paused);
				lv->journal[j++] = lv->journal[i];
			}
			lv->n_journal = j;
			pthread_mutex_unlock(&lv->lock);
			/* The changes made before the build began are in it (note 3). */
			s = snap_make(lv, nb, start_seq, err, sizeof(err));
			if (s) {
				changes_drop(lv, start_seq);
				snap_swap(lv, s);
			} else {
				fprintf(stderr, "chiron: carrying the changes over to the new index: %s "
				        "(the old one stays)\n", err);
				base_free(nb);
			}
			pthread_mutex_unlock(&lv->edit);
		}

		pthread_mutex_lock(&lv->lock);
		/* A failed build still answers the waiters: they see the old
		 * snapshot rather than hang. */
		lv->done = target;
		pthread_cond_broadcast(&lv->built);
		pthread_cond_broadcast(&lv->ctx_free);
	}
	pthread_mutex_unlock(&lv->lock);
	return NULL;
}

struct live *
live_open(const char *db_spec, const struct taxonomy *tax,
          const struct compacts *cx, int max_ctx, char *err, size_t errlen)
{
	struct live *lv = calloc(1, sizeof(*lv));
	struct live_base *b;

	if (!lv) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	lv->tax = tax;
	lv->cx = cx;
	lv->max_ctx = max_ctx < 1 ? 1 : max_ctx > SNAP_CTX_MAX ? SNAP_CTX_MAX : max_ctx;
	pthread_mutex_init(&lv->lock, NULL);
	pthread_mutex_init(&lv->edit, NULL);
	pthread_cond_init(&lv->wake, NULL);
	pthread_cond_init(&lv->built, NULL);
	pthread_cond_init(&lv->ctx_free, NULL);
	lv->st = store_open(db_spec, err, errlen);
	if (!lv->st) {
		live_close(lv);
		return NULL;
	}
	lv->wanted = lv->done = 1;
	if (!(b = build(lv, err, errlen))) {
		live_close(lv);
		return NULL;
	}
	lv->cur = snap_make(lv, b, 0, err, errlen);
	if (!lv->cur) {
		base_free(b);
		live_close(lv);
		return NULL;
	}
	b->refs = 1;
	lv->cur->generation = 1;
	if (pthread_create(&lv->thread, NULL, builder, lv) != 0) {
		snprintf(err, errlen, "starting the index builder: %s", strerror(errno));
		live_close(lv);
		return NULL;
	}
	lv->running = true;
	return lv;
}

void
live_close(struct live *lv)
{
	size_t i;

	if (!lv)
		return;
	if (lv->running) {
		pthread_mutex_lock(&lv->lock);
		lv->stop = true;
		pthread_cond_signal(&lv->wake);
		pthread_mutex_unlock(&lv->lock);
		pthread_join(lv->thread, NULL);
	}
	snap_free(lv, lv->cur);
	for (i = 0; i < lv->n_changes; i++)
		free(lv->changes[i].rec);
	free(lv->changes);
	store_close(lv->st);
	pthread_mutex_destroy(&lv->lock);
	pthread_mutex_destroy(&lv->edit);
	pthread_cond_destroy(&lv->wake);
	pthread_cond_destroy(&lv->built);
	pthread_cond_destroy(&lv->ctx_free);
	free(lv);
}

struct snap *
live_take(struct live *lv)
{
	struct snap *s;

	pthread_mutex_lock(&lv->lock);
	s = lv->cur;
	s->refs++;
	pthread_mutex_unlock(&lv->lock);
	return s;
}

void
live_give(struct live *lv, struct snap *s)
{
	bool last;

	if (!s)
		return;
	pthread_mutex_lock(&lv->lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&lv->lock);
	if (last)
		snap_free(lv, s);
}

struct match_ctx *
live_ctx_take(struct live *lv, struct snap *s)
{
	struct live_base *b = s->base;
	struct match_ctx *c = NULL;

	pthread_mutex_lock(&lv->lock);
	for (;;) {
		if (b->n_ctx) {
			c = b->ctx[--b->n_ctx];
			break;
		}
		if (b->made < lv->max_ctx) {
			b->made++;
			pthread_mutex_unlock(&lv->lock);
			c = match_ctx_new(b->ix);
			pthread_mutex_lock(&lv->lock);
			if (!c)
				b->made--;
			break;
		}
		pthread_cond_wait(&lv->ctx_free, &lv->lock);
	}
	pthread_mutex_unlock(&lv->lock);
	/* The context is ours now: give it this snapshot's delta. */
	if (c && match_ctx_delta(c, &s->delta)) {
		live_ctx_give(lv, s, c);
		c = NULL;
	}
	return c;
}

void
live_ctx_give(struct live *lv, struct snap *s, struct match_ctx *c)
{
	struct live_base *b = s->base;

	if (!c)
		return;
	pthread_mutex_lock(&lv->lock);
	b->ctx[b->n_ctx++] = c;
	pthread_cond_broadcast(&lv->ctx_free);
	pthread_mutex_unlock(&lv->lock);
}

/* Records id's change (under lv->edit): rec copied, NULL for removed. */
static int
change_put(struct live *lv, const char *id, const void *rec, size_t len, bool paused,
           uint64_t seq)
{
	struct change *c = change_find(lv, id);
	void *copy = NULL;

	if (strlen(id) >= sizeof(c->id))
		return -1;
	if (rec && !(copy = malloc(len ? len : 1)))
		return -1;
	if (rec)
		memcpy(copy, rec, len);
	if (!c) {
		size_t at = 0;

		if (lv->n_changes == lv->cap_changes) {
			size_t cap = lv->cap_changes ? lv->cap_changes * 2 : 64;
			void *p = realloc(lv->changes, cap * sizeof(*lv->changes));

			if (!p) {
				free(copy);
				return -1;
			}
			lv->changes = p;
			lv->cap_changes = cap;
		}
		while (at < lv->n_changes && strcmp(lv->changes[at].id, id) < 0)
			at++;
		memmove(lv->changes + at + 1, lv->changes + at,
		        (lv->n_changes - at) * sizeof(*lv->changes));
		lv->n_changes++;
		c = &lv->changes[at];
		memset(c, 0, sizeof(*c));
		snprintf(c->id, sizeof(c->id), "%s", id);
	}
	free(c->rec);
	c->rec = copy;
	c->len = len;
	c->paused = paused;
	c->seq = seq;
	return 0;
}

int
live_put(struct live *lv, const char *id, const void *rec, size_t len, bool paused)
{
	struct snap *s = NULL;
	char err[600] = "out of memory";
	uint64_t seq;
	bool merge;
	double t0 = now_s();

	if (!lv)
		return 0;
	pthread_mutex_lock(&lv->edit);
	pthread_mutex_lock(&lv->lock);
	seq = lv->seq++;
	pthread_mutex_unlock(&lv->lock);
	if (change_put(lv, id, rec, len, paused, seq) == 0)
		s = snap_make(lv, lv->cur->base, 0, err, sizeof(err));
	if (s)
		snap_swap(lv, s);
	merge = lv->n_changes >= LIVE_DELTA_MERGE;
	if (s)
		fprintf(stderr, "chiron: listing %s in the index (%zu changes since the build, "
		        "%.2f ms)\n", id, lv->n_changes, (now_s() - t0) * 1000);
	pthread_mutex_unlock(&lv->edit);
	if (!s) {
		/* The store has the change: a full build will too. */
		fprintf(stderr, "chiron: listing %s: the index's delta: %s (rebuilding)\n", id, err);
		live_wait(lv, live_changed(lv), 10000);
		return -1;
	}
	if (merge) {
		/* A new base, in the background, unless one is on its way. */
		pthread_mutex_lock(&lv->lock);
		if (lv->wanted == lv->done) {
			lv->wanted++;
			pthread_cond_signal(&lv->wake);
		}
		pthread_mutex_unlock(&lv->lock);
	}
	return 0;
}

uint64_t
live_changed(struct live *lv)
{
	uint64_t g;

	if (!lv)
		return 0;       /* a tool or a test without an index */
	pthread_mutex_lock(&lv->lock);
	/* A build already running read the store before this change: the
	 * change needs the build after it. */
	g = ++lv->wanted;
	pthread_cond_signal(&lv->wake);
	pthread_mutex_unlock(&lv->lock);
	return g;
}

int
live_wait(struct live *lv, uint64_t generation, long ms)
{
	struct timespec until;
	int rc = 0;

	if (!lv)
		return 0;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&lv->lock);
	while (lv->done < generation && rc == 0)
		if (pthread_cond_timedwait(&lv->built, &lv->lock, &until) == ETIMEDOUT)
			rc = 1;
	rc = lv->done >= generation ? 0 : 1;
	pthread_mutex_unlock(&lv->lock);
	return rc;
}

void
live_set_paused(struct live *lv, const char *therapist_id, bool paused)
{
	struct pause_note *n;

	struct change *c;

	if (!lv)
		return;
	pthread_mutex_lock(&lv->edit);
	pthread_mutex_lock(&lv->lock);
	/* A changed listing is the delta's row; its change keeps the pause
	 * for the deltas that follow. */
	if ((c = change_find(lv, therapist_id))) {
		c->paused = paused;
		if (lv->cur->delta.ix)
			apply_pause((struct index *)lv->cur->delta.ix, therapist_id, paused);
	} else {
		apply_pause(lv->cur->ix, therapist_id, paused);
	}
	if (lv->n_journal == JOURNAL_MAX) {
		memmove(lv->journal, lv->journal + 1, (JOURNAL_MAX - 1) * sizeof(lv->journal[0]));
		lv->n_journal--;
	}
	n = &lv->journal[lv->n_journal++];
	snprintf(n->id, sizeof(n->id), "%s", therapist_id);
	n->paused = paused;
	n->seq = lv->seq++;
	pthread_mutex_unlock(&lv->lock);
	pthread_mutex_unlock(&lv->edit);
}

/* Re-checks every listing's 45-day confirmation now (the hourly task). */
static void
live_pause_stale(struct live *lv)
{
	struct snap *s = live_take(lv);

	if (directory_pause_stale(lv->st, s->ix, (int64_t)time(NULL)) < 0)
		fprintf(stderr, "chiron: pausing stale listings: %s\n", store_errmsg(lv->st));
	live_give(lv, s);
}
