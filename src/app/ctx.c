/*
 * ctx.c: roles, the clock, the context of a call and the actor (ctx.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app/ctx.h"
#include "app/session.h"
#include "app/live.h"

#define ACCT_NAME(e, s) s,
static const char *const role_names[] = { ROLES(ACCT_NAME) };
#undef ACCT_NAME

const char *
role_name(enum acct_role r)
{
	return (unsigned)r < ACCT_N ? role_names[r] : "";
}

enum acct_role
role_parse(const char *s)
{
	for (int i = 1; s && i < ACCT_N; i++)
		if (strcmp(s, role_names[i]) == 0)
			return (enum acct_role)i;
	return ACCT_NONE;
}

/*
 * The offset file of a test clock: one decimal number of seconds. A file
 * that is missing or cannot be read leaves the last offset, so a test
 * rewriting it never sees time jump back.
 */
static void
clock_read_file(struct clock *c)
{
	char text[32];
	FILE *f = fopen(c->file, "r");
	size_t n;

	if (!f)
		return;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	if (n) {
		char *end;
		long long v = strtoll(text, &end, 10);

		if (end != text)
			atomic_store(&c->offset, v);
	}
}

int64_t
clock_now(struct clock *c)
{
	if (c->file)
		clock_read_file(c);
	return (int64_t)time(NULL) + (int64_t)atomic_load(&c->offset);
}

void
clock_set_offset(struct clock *c, int64_t seconds)
{
	atomic_store(&c->offset, (long long)seconds);
}

void
services_init(struct services *sv, struct store *store, const struct taxonomy *tax)
{
	memset(sv, 0, sizeof(*sv));
	sv->store = store;
	sv->tax = tax;
	sv->public_url = "";
	pthread_mutex_init(&sv->outbox_lock, NULL);
	randombytes_buf(sv->throttle_key, sizeof(sv->throttle_key));
	atomic_init(&sv->clock.offset, 0);
	atomic_init(&sv->stopping, 0);
	atomic_init(&sv->calendars_reading, 0);
	sv->calendars_max = 1;
	sv->session_idle = SESSION_IDLE;
	sv->session_max = SESSION_MAX;
}

void
ctx_begin(struct ctx *cx, struct services *sv, struct arena *a)
{
	cx->sv = sv;
	cx->a = a;
	cx->snap = NULL;
}

void
ctx_done(struct ctx *cx)
{
	if (cx->snap)
		live_give(cx->sv->live, cx->snap);
	cx->snap = NULL;
}

int64_t
ctx_now(const struct ctx *cx)
{
	return clock_now(&cx->sv->clock);
}

const struct index *
ctx_index(struct ctx *cx)
{
	if (!cx->snap)
		cx->snap = live_take(cx->sv->live);
	return cx->snap->ix;
}

const char *
ctx_listing_name(struct ctx *cx, const char *tid)
{
	const struct index *ix = ctx_index(cx), *dx = cx->snap->delta.ix;
	const uint64_t *gone = cx->snap->delta.gone;
	int64_t row;

	if (dx && (row = index_row(dx, tid)) >= 0)
		return dx->name[row];
	row = index_row(ix, tid);
	if (row < 0 || (gone && (gone[row >> 6] >> (row & 63) & 1)))
		return NULL;
	return ix->name[row];
}

struct match_ctx *
ctx_match_take(struct ctx *cx)
{
	ctx_index(cx);
	return live_ctx_take(cx->sv->live, cx->snap);
}

void
ctx_match_give(struct ctx *cx, struct match_ctx *m)
{
	live_ctx_give(cx->sv->live, cx->snap, m);
}

void
actor_of_user(struct actor *who, const struct store_user *u, const char *addr)
{
	memset(who, 0, sizeof(*who));
	who->id = u->id;
	snprintf(who->handle, sizeof(who->handle), "%s", u->handle);
	who->role = role_parse(u->role);
	snprintf(who->therapist_id, sizeof(who->therapist_id), "%s", u->therapist_id);
	snprintf(who->claim_id, sizeof(who->claim_id), "%s", u->claim_id);
	who->addr = addr;
}

void
actor_anonymous(struct actor *who, const char *addr)
{
	memset(who, 0, sizeof(*who));
	who->addr = addr;
}

void
actor_system(struct actor *who)
{
	memset(who, 0, sizeof(*who));
	snprintf(who->handle, sizeof(who->handle), "cli");
	who->role = ACCT_ADMIN;
	who->addr = "cli";
}
