/*
 * waitlist.h: a listing's waitlists (app/waitlist.c): joining, leaving,
 * and telling those waiting when time opens.
 */
#ifndef CHIRON_APP_WAITLIST_H
#define CHIRON_APP_WAITLIST_H

#include "app/ctx.h"

struct refusal;

/* The waitlist of tid for kind: the signed-in account joins (409 when
 * already on it; 400 for its own listing or a kind not offered) or
 * leaves (404 when not on it). 401 when no one is signed in. */
int wait_join(struct ctx *cx, const struct actor *who, const char *tid, const char *kind, struct refusal *why);
int wait_leave(struct ctx *cx, const struct actor *who, const char *tid, const char *kind, struct refusal *why);
/* The waitlists the signed-in account is on, through fn. 401 as above. */
int waits_mine(struct ctx *cx, const struct actor *who, store_wait_fn fn, void *arg, struct refusal *why);

/* Time opened on tid's week (hours, closures, session types changed): its
 * waitlist hears of the first fitting slot, at most once a day each. */
void waitlist_openings(struct ctx *cx, const struct actor *who, const char *tid);
/* Session a was cancelled or moved away from its time: everyone waiting
 * for its kind with tname whose saved free hours fit it hears of it. */
void waitlist_freed(struct services *sv, const struct store_appt *a, const char *tname);

#endif
