/*
 * live.c: snapshots of the index, rebuilt by one thread when the store
 * changes (see live.h for the model).
 *
 * Locking: one mutex guards the current pointer, every snapshot's
 * reference count and context pool, the wanted/built generations and the
 * pause journal. Nothing slow happens under it: builds, match runs and
 * frees are outside.
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
};

static void
snap_free(struct snap *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->n_ctx; i++)
		match_ctx_free(s->ctx[i]);
	index_free(s->ix);
	orgname_index_free(s->names);
	free(s);
}

/*
 * The registry's names, indexed for orgs_resolve (app/orgs.c) beside the
 * index they were read from: a merge or an added organization asks for a
 * build, so the names are as current as the organizations matched. An
 * organization only named by an affiliation (no registry row) has no name.
 */
static struct orgname_index *
names_of(const struct index *ix)
{
	const char **names = malloc(((size_t)ix->n_orgs + 1) * sizeof(*names));
	struct orgname_index *x;
	uint32_t i;

	if (!names)
		return NULL;
	for (i = 0; i < ix->n_orgs; i++)
		names[i] = ix->org_kind[i] < KIND__MAX ? ix->org_name[i] : NULL;
	x = orgname_index_build(names, ix->n_orgs);
	free(names);
	return x;
}

static struct snap *
build(struct live *lv, char *err, size_t errlen)
{
	struct snap *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->ix = directory_index(lv->st, lv->tax, lv->cx, err, errlen);
	if (!s->ix) {
		free(s);
		return NULL;
	}
	if (!(s->names = names_of(s->ix))) {
		snprintf(err, errlen, "out of memory");
		index_free(s->ix);
		free(s);
		return NULL;
	}
	s->refs = 1;
	return s;
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
		struct snap *s, *old = NULL;
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
		s = build(lv, err, sizeof(err));
		if (!s)
			fprintf(stderr, "chiron: rebuilding the index: %s (the old one stays)\n", err);
		else
			fprintf(stderr, "chiron: index rebuilt (%u therapists) in %.2f s\n",
			        s->ix->n, now_s() - t0);

		pthread_mutex_lock(&lv->lock);
		if (s) {
			/* Pauses applied while the build read the store. */
			for (i = j = 0; i < lv->n_journal; i++) {
				if (lv->journal[i].seq < start_seq)
					continue;
				apply_pause(s->ix, lv->journal[i].id, lv->journal[i].paused);
				lv->journal[j++] = lv->journal[i];
			}
			lv->n_journal = j;
			s->generation = target;
			old = lv->cur;
			lv->cur = s;
			if (--old->refs)
				old = NULL;     /* its last reader frees it; else freed below */
		}
		/* A failed build still answers the waiters: they see the old
		 * snapshot rather than hang. */
		lv->done = target;
		pthread_cond_broadcast(&lv->built);
		pthread_cond_broadcast(&lv->ctx_free);
		pthread_mutex_unlock(&lv->lock);
		snap_free(old);
		pthread_mutex_lock(&lv->lock);
	}
	pthread_mutex_unlock(&lv->lock);
	return NULL;
}

struct live *
live_open(const char *db_spec, const struct taxonomy *tax,
          const struct compacts *cx, int max_ctx, char *err, size_t errlen)
{
	struct live *lv = calloc(1, sizeof(*lv));

	if (!lv) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	lv->tax = tax;
	lv->cx = cx;
	lv->max_ctx = max_ctx < 1 ? 1 : max_ctx > SNAP_CTX_MAX ? SNAP_CTX_MAX : max_ctx;
	pthread_mutex_init(&lv->lock, NULL);
	pthread_cond_init(&lv->wake, NULL);
	pthread_cond_init(&lv->built, NULL);
	pthread_cond_init(&lv->ctx_free, NULL);
	lv->st = store_open(db_spec, err, errlen);
	if (!lv->st) {
		live_close(lv);
		return NULL;
	}
	lv->cur = build(lv, err, errlen);
	if (!lv->cur) {
		live_close(lv);
		return NULL;
	}
	lv->cur->generation = lv->wanted = lv->done = 1;
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
	if (!lv)
		return;
	if (lv->running) {
		pthread_mutex_lock(&lv->lock);
		lv->stop = true;
		pthread_cond_signal(&lv->wake);
		pthread_mutex_unlock(&lv->lock);
		pthread_join(lv->thread, NULL);
	}
	snap_free(lv->cur);
	store_close(lv->st);
	pthread_mutex_destroy(&lv->lock);
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
		snap_free(s);
}

struct match_ctx *
live_ctx_take(struct live *lv, struct snap *s)
{
	struct match_ctx *c = NULL;

	pthread_mutex_lock(&lv->lock);
	for (;;) {
		if (s->n_ctx) {
			c = s->ctx[--s->n_ctx];
			break;
		}
		if (s->made < lv->max_ctx) {
			s->made++;
			pthread_mutex_unlock(&lv->lock);
			c = match_ctx_new(s->ix);
			pthread_mutex_lock(&lv->lock);
			if (!c)
				s->made--;
			break;
		}
		pthread_cond_wait(&lv->ctx_free, &lv->lock);
	}
	pthread_mutex_unlock(&lv->lock);
	return c;
}

void
live_ctx_give(struct live *lv, struct snap *s, struct match_ctx *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&lv->lock);
	s->ctx[s->n_ctx++] = c;
	pthread_cond_broadcast(&lv->ctx_free);
	pthread_mutex_unlock(&lv->lock);
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

	if (!lv)
		return;
	pthread_mutex_lock(&lv->lock);
	apply_pause(lv->cur->ix, therapist_id, paused);
	if (lv->n_journal == JOURNAL_MAX) {
		memmove(lv->journal, lv->journal + 1, (JOURNAL_MAX - 1) * sizeof(lv->journal[0]));
		lv->n_journal--;
	}
	n = &lv->journal[lv->n_journal++];
	snprintf(n->id, sizeof(n->id), "%s", therapist_id);
	n->paused = paused;
	n->seq = lv->seq++;
	pthread_mutex_unlock(&lv->lock);
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
