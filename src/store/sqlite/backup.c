/*
 * backup.c: the SQLite engine's online backup (`chiron backup`), and the
 * check of a database file that both a backup and a restore make.
 *
 * A backup reads the database through a connection of its own, not the
 * store's: the store's lock is never held, so a server sharing the store
 * (or another process serving the same file) goes on answering. The
 * source connection opens one read transaction first and keeps it to the
 * end; in WAL mode that is a snapshot, which writers do not wait for and
 * which does not move, so sqlite3_backup_step() copies the pages of one
 * moment in chunks and never has to start over. The copy goes to
 * PATH.tmp, is flushed to disk, is checked (integrity, schema) and only
 * then takes its name: PATH either is a whole, checked backup or is not
 * there.
 *
 * Sealed values stay sealed: the pages are copied as they are, and the
 * key file is not in the database, so it is not in the backup either.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/sqlite/sqlite_int.h"

/* Pages copied per step: 4 MiB at the default page size. */
#define BACKUP_CHUNK 1024

/* fsync of the file or directory at path; 0 or -1 (errno). */
static int
sync_path(const char *path, int dir)
{
	int fd = open(path, (dir ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The directory of path into out ("." when it has none). */
static void
dir_of(const char *path, char *out, size_t n)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, n, ".");
	else if (slash == path)
		snprintf(out, n, "/");
	else
		snprintf(out, n, "%.*s", (int)(slash - path), path);
}

/* The first column of the first row of sql on db as text into out; 0, or
 * -1 with SQLite's reason in out. */
static int
one_text(sqlite3 *db, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(out, n, "%s", sqlite3_errmsg(db));
		return -1;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);

		snprintf(out, n, "%s", v ? (const char *)v : "");
		rc = 0;
	} else if (step == SQLITE_DONE) {
		out[0] = '\0';
		rc = 0;
	} else {
		snprintf(out, n, "%s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return rc;
}

/* Whether path's side file (suffix "-wal" or "-shm") exists. */
static int
side_exists(const char *path, const char *suffix)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s%s", path, suffix);
	return access(p, F_OK) == 0;
}

/*
 * A read-only connection to a file in WAL mode leaves the -wal and -shm
 * it made behind: removed here, unless they were there before or the log
 * holds something.
 */
static void
forget_sides(const char *path, int had_wal, int had_shm)
{
	char p[4200];
	struct stat sb;

	snprintf(p, sizeof(p), "%s-wal", path);
	if (!had_wal && stat(p, &sb) == 0 && sb.st_size == 0) {
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", path);
		if (!had_shm)
			unlink(p);
	}
}

int
store_check_file(const char *path, int *version, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	struct stat sb;
	char v[512];
	int rc = -1, ver, had_wal, had_shm;

	if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	had_wal = side_exists(path, "-wal");
	had_shm = side_exists(path, "-shm");
	if (!S_ISREG(sb.st_mode) || sb.st_size == 0) {
		snprintf(err, errlen, "%s: not a chiron database (%s)", path,
		         S_ISREG(sb.st_mode) ? "the file is empty" : "not a regular file");
		return -1;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open it: %s", path,
		         db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(db, 5000);
	if (one_text(db, "PRAGMA integrity_check(1)", v, sizeof(v))) {
		snprintf(err, errlen, "%s: not a chiron database, or a damaged one (%s)", path, v);
		goto out;
	}
	if (strcmp(v, "ok") != 0) {
		snprintf(err, errlen, "%s: the database is damaged (SQLite's integrity check: %s)", path, v);
		goto out;
	}
	if (one_text(db, "PRAGMA user_version", v, sizeof(v))) {
		snprintf(err, errlen, "%s: cannot read its schema version (%s)", path, v);
		goto out;
	}
	ver = (int)strtol(v, NULL, 10);
	if (one_text(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	             "name IN ('org', 'therapist', 'user', 'request')", v, sizeof(v))) {
		snprintf(err, errlen, "%s: cannot read its tables (%s)", path, v);
		goto out;
	}
	if (ver <= 0 || strcmp(v, "4") != 0) {
		snprintf(err, errlen, "%s: a SQLite database, but not a chiron one (no chiron tables)",
		         path);
		goto out;
	}
	if (ver > sq_schema_version()) {
		snprintf(err, errlen, "%s: the database has schema version %d, newer than this "
		         "chiron's (%d); use the chiron that made it", path, ver, sq_schema_version());
		goto out;
	}
	if (version)
		*version = ver;
	rc = 0;
out:
	sqlite3_close(db);
	forget_sides(path, had_wal, had_shm);
	return rc;
}

int
sq_backup(struct store *bs, const char *path, bool replace, long *pages)
{
	struct store_sqlite *s = S(bs);
	const char *from = sqlite3_db_filename(s->db, "main");
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b = NULL;
	char tmp[4096], dir[4096], err[1024], v[256];
	int rc = -1, step, tmp_made = 0;

	if (!from || !from[0]) {
		store_error("backup: the store is not in a file");
		return -1;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		store_error("backup: %s: the name is too long", path);
		return -1;
	}
	if (!replace && access(path, F_OK) == 0) {
		store_error("%s already exists", path);
		return STORE_EXISTS;
	}
	/* A PATH.tmp left by a backup that was stopped is ours to replace. */
	unlink(tmp);

	if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		store_error("backup: opening %s: %s", from, src ? sqlite3_errmsg(src) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(src, 5000);
	/* The snapshot: one read transaction from here to the end. */
	if (sqlite3_exec(src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    one_text(src, "SELECT count(*) FROM sqlite_master", v, sizeof(v))) {
		store_error("backup: reading %s: %s", from, sqlite3_errmsg(src));
		goto out;
	}
	tmp_made = 1;
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		store_error("backup: creating %s: %s", tmp, dst ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		store_error("backup: %s", sqlite3_errmsg(dst));
		goto out;
	}
	do {
		step = sqlite3_backup_step(b, BACKUP_CHUNK);
		if (step == SQLITE_BUSY || step == SQLITE_LOCKED)
			sqlite3_sleep(5);       /* the destination is ours: only briefly */
	} while (step == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED);
	if (pages)
		*pages = sqlite3_backup_pagecount(b);
	sqlite3_backup_finish(b);
	b = NULL;
	if (step != SQLITE_DONE) {
		store_error("backup: copying to %s: %s", tmp, sqlite3_errstr(step));
		if ((step & 0xff) == SQLITE_FULL)
			store_error_full();
		goto out;
	}
	sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
	/* The copy keeps no log of its own: a plain file, read anywhere
	 * without leaving -wal and -shm beside it (opening it to serve puts
	 * it back in WAL mode). */
	if (one_text(dst, "PRAGMA journal_mode = DELETE", v, sizeof(v)) || strcmp(v, "delete") != 0) {
		store_error("backup: %s: cannot leave WAL mode (%s)", tmp, v);
		goto out;
	}
	if (sqlite3_close(dst) != SQLITE_OK) {
		store_error("backup: closing %s: %s", tmp, sqlite3_errmsg(dst));
		goto out;
	}
	dst = NULL;
	if (sync_path(tmp, 0)) {
		store_error("backup: flushing %s to disk: %s", tmp, strerror(errno));
		goto out;
	}
	if (store_check_file(tmp, NULL, err, sizeof(err))) {
		store_error("backup: the copy failed its check: %s", err);
		goto out;
	}
	if (replace) {
		if (rename(tmp, path) != 0) {
			store_error("backup: renaming %s to %s: %s", tmp, path, strerror(errno));
			goto out;
		}
	} else {
		/* link() never replaces: a file made at path meanwhile stays. */
		if (link(tmp, path) != 0) {
			int e = errno;

			store_error("%s: %s", path, e == EEXIST ? "already exists" : strerror(e));
			rc = e == EEXIST ? STORE_EXISTS : -1;
			goto out;
		}
		unlink(tmp);
	}
	tmp_made = 0;
	dir_of(path, dir, sizeof(dir));
	if (sync_path(dir, 1)) {
		store_error("backup: flushing the directory %s: %s", dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (b)
		sqlite3_backup_finish(b);
	sqlite3_close(dst);
	sqlite3_close(src);
	if (tmp_made) {
		char j[4200];

		unlink(tmp);
		snprintf(j, sizeof(j), "%s-journal", tmp);
		unlink(j);
		snprintf(j, sizeof(j), "%s-wal", tmp);
		unlink(j);
		snprintf(j, sizeof(j), "%s-shm", tmp);
		unlink(j);
	}
	return rc;
}
