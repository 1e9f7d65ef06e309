/*
 * live.h (src/app): the directory as the server sees it while it changes.
 *
 * Matching reads an immutable index; therapists edit their listings and
 * admins merge organizations while it is read. So the server holds the
 * index as a *snapshot*: a request takes a reference to the current one,
 * matches against it, and gives it back. A change to the store asks for a
 * rebuild; one builder thread reads the store through its own connection
 * (a consistent WAL read), builds a fresh index beside the old, and swaps
 * the pointer. The old snapshot is freed when its last reader gives it
 * back. Changes that arrive while a build runs are covered by the next
 * build, so a burst of edits costs one or two builds, not one each.
 *
 * Pausing (a confirmation, an admin hiding a listing) is also applied at
 * once to the current snapshot's atomic paused bits, so it takes effect
 * without waiting for a build.
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

/* One built index and the match contexts made for it. */
struct snap {
	struct index *ix;
	struct orgname_index *names;    /* the registry's names (core/orgname.h), of ix */
	uint64_t generation;            /* 1 for the first build, +1 each swap */
	unsigned refs;                  /* readers, plus one while current */
	struct match_ctx *ctx[SNAP_CTX_MAX];
	int n_ctx;                      /* idle contexts in ctx[] */
	int made;                       /* contexts made for this index */
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

/* A match context for s (waits while all max_ctx are busy). */
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

/* Pauses or resumes a listing in the current snapshot now (see above). */
void live_set_paused(struct live *lv, const char *therapist_id, bool paused);

#endif
