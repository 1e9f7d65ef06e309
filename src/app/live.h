/*
 * live.h (src/app): the directory as the server sees it while it changes.
 *
 * Matching reads an immutable index; therapists edit their listings and
 * admins merge organizations while it is read. So the server holds the
 * directory as a *snapshot*: a request takes a reference to the current
 * one, matches against it, and gives it back.
 *
 * A snapshot is a base index, built from the whole store, and a delta
 * (core/index.h, struct index_delta): the listings saved, created or
 * removed since the base was read, as a small index of their own and the
 * base's rows they replace. A listing's change (live_put) makes a new
 * delta of every change since the base and swaps in a new snapshot over
 * the same base, in the caller's thread, before the call returns: the
 * next match sees it, in about a millisecond at a million therapists
 * (docs/performance.md). The base and its match contexts are shared by
 * every snapshot over it.
 *
 * One builder thread reads the whole store through its own connection
 * (a consistent WAL read) into a new base when asked: when the delta
 * has grown past LIVE_DELTA_MERGE changes, or for a change no delta can
 * hold (organizations merged). The changes made after it began reading
 * are carried over as the new base's delta; the old snapshot is freed
 * when its last reader gives it back.
 *
 * Pausing (a confirmation, an admin hiding a listing) is applied at once
 * to the current snapshot's atomic paused bits (the delta's row when the
 * listing is one of its changes), so it takes effect without a build.
 *
 * The builder also pauses listings that went unconfirmed too long, hourly.
 * A build that fails (out of memory, a bad row) keeps the old snapshot,
 * says why on stderr and is retried at the next change.
 */
#ifndef CHIRON_APP_LIVE_H
#define CHIRON_APP_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/compacts.h"
#include "core/index.h"
#include "core/match.h"
#include "core/orgname.h"
#include "store/store.h"

#define SNAP_CTX_MAX 16
#define LIVE_DELTA_MERGE 512            /* changes that ask for a new base */

struct live_base;

/* The directory one request reads: a base index and the changes since. */
struct snap {
	struct index *ix;               /* the base, as built from the store */
	struct index_delta delta;       /* the changes since (owned here) */
	struct orgname_index *names;    /* the registry's names of ix (core/orgname.h), the base's */
	uint64_t generation;            /* the full builds done so far */
	unsigned refs;                  /* readers, plus one while current */
	struct live_base *base;         /* ix and its match contexts, shared */
};

struct live;

/*
 * Opens the live directory of the store at db_spec: builds the first
 * snapshot (synchronously) and starts the builder thread. max_ctx bounds
 * the concurrent matches per snapshot. tax and cx are kept, not copied:
 * they must outlive the live directory (the builder reads them on every
 * rebuild). NULL with the reason in err.
 */
struct live *live_open(const char *db_spec, const struct taxonomy *tax,
                       const struct compacts *cx, int max_ctx,
                       char *err, size_t errlen);
/* Stops the builder and frees every snapshot (no reader may be left). */
void live_close(struct live *lv);

/* The current snapshot, referenced; give it back with live_give(). */
struct snap *live_take(struct live *lv);
void live_give(struct live *lv, struct snap *s);

/* A match context for s, delta included (waits while all max_ctx are
 * busy); NULL when out of memory. */
struct match_ctx *live_ctx_take(struct live *lv, struct snap *s);
void live_ctx_give(struct live *lv, struct snap *s, struct match_ctx *c);

/*
 * The store changed: a build will follow. Returns the generation that
 * will include the change; live_wait() waits (at most ms milliseconds)
 * until it is current and returns 0, or 1 on time-out.
 */
/* A NULL lv (a tool or a test without an index) makes these three do nothing. */
uint64_t live_changed(struct live *lv);
int live_wait(struct live *lv, uint64_t generation, long ms);

/*
 * The listing id changed in the store (the caller committed it): its
 * record as stored (packed, therapist_pack), or rec NULL when it was
 * removed; paused: hidden from searches (not yet verified, or hidden by
 * an admin). A new snapshot with the change is current when this
 * returns 0. -1 when the delta could not be made (out of memory, a record
 * that does not unpack): a full build was then asked for and waited on,
 * so the change is in searches either way unless that build failed too.
 */
int live_put(struct live *lv, const char *id, const void *rec, size_t len, bool paused);

/* Pauses or resumes a listing in the current snapshot now (see above). */
void live_set_paused(struct live *lv, const char *therapist_id, bool paused);

#endif
