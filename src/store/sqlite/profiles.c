/*
 * profiles.c: a listing's profile beside its record, the therapist's
 * statement and photo (store.h, listing_profile_get and the rest). The
 * photo is kept only as chiron re-encoded it (app/photo.c); its version
 * goes up by one with every new photo, so its address changes with it.
 */
#include <string.h>

#include "core/buf.h"
#include "store/sqlite/sqlite_int.h"

static int
row_profile(sqlite3_stmt *st, void *arg)
{
	struct found *f = arg;
	struct store_profile *p = f->out;

	sq_copy_col(p->statement, sizeof(p->statement), st, 0);
	p->photo_version = sqlite3_column_int64(st, 1);
	p->updated_at = sqlite3_column_int64(st, 2);
	*f->found = 1;
	return 1;
}

int
sq_profile_get_of(struct store *bs, const char *tid, struct store_profile *out, int *found)
{
	struct found f = {out, found};

	memset(out, 0, sizeof(*out));
	*found = 0;
	return sq_run(S(bs), "reading a profile", row_profile, &f,
		      "SELECT statement, CASE WHEN photo IS NULL THEN 0 ELSE photo_version END, "
		      "updated_at FROM listing_profile WHERE therapist_id = ?1", "t", tid);
}

int
sq_statement_put(struct store *bs, const char *tid, const char *text, int64_t now)
{
	return sq_run(S(bs), "saving a statement", NULL, NULL,
		      "INSERT INTO listing_profile (therapist_id, statement, updated_at) "
		      "VALUES (?1, ?2, ?3) ON CONFLICT (therapist_id) DO UPDATE SET "
		      "statement = excluded.statement, updated_at = excluded.updated_at",
		      "tti", tid, text, now);
}

int
sq_photo_put(struct store *bs, const char *tid, const void *jpeg, size_t n, int64_t now)
{
	return sq_run(S(bs), "saving a photo", NULL, NULL,
		      "INSERT INTO listing_profile (therapist_id, photo, photo_version, updated_at) "
		      "VALUES (?1, ?2, 1, ?3) ON CONFLICT (therapist_id) DO UPDATE SET "
		      "photo = excluded.photo, photo_version = photo_version + 1, "
		      "updated_at = excluded.updated_at",
		      "tBi", tid, jpeg, n, now);
}

int
sq_photo_delete(struct store *bs, const char *tid, int64_t now)
{
	return sq_run(S(bs), "removing a photo", NULL, NULL,
		      "UPDATE listing_profile SET photo = NULL, updated_at = ?2 WHERE therapist_id = ?1",
		      "ti", tid, now);
}

struct photo_out {
	struct buf *out;
	int64_t *version;
	int *found;
	int err;
};

static int
row_photo(sqlite3_stmt *st, void *arg)
{
	struct photo_out *o = arg;
	const void *p = sqlite3_column_blob(st, 0);
	int n = sqlite3_column_bytes(st, 0);

	*o->version = sqlite3_column_int64(st, 1);
	if (p && n > 0) {
		*o->found = 1;
		o->err = buf_add(o->out, p, (size_t)n);
	}
	return 1;
}

int
sq_photo_get(struct store *bs, const char *tid, struct buf *out, int64_t *version, int *found)
{
	struct photo_out o = {out, version, found, 0};
	int rc;

	*found = 0;
	*version = 0;
	rc = sq_run(S(bs), "reading a photo", row_photo, &o,
		    "SELECT photo, photo_version FROM listing_profile WHERE therapist_id = ?1 "
		    "AND photo IS NOT NULL", "t", tid);
	return rc ? rc : o.err ? -1 : 0;
}
