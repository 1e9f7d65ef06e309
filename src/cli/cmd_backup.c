/*
 * cmd_backup.c: `chiron backup` and `chiron restore`, and the hold a
 * server keeps on its database so that no restore replaces it underfoot.
 *
 *   chiron backup FILE [--db PATH] [--force]
 *   chiron restore BACKUP [--db PATH] [--key-file FILE] [--force]
 *
 * A backup is taken while chiron serves (store.h's backup op: a snapshot
 * copied in chunks, checked, then named FILE); it is as sealed as the
 * database, and the key file (chiron.key beside the database) is not in
 * it: the two are kept apart, and a backup without its key reads nothing
 * sealed.
 *
 * A restore checks the backup (integrity, a chiron schema not newer than
 * this chiron's), refuses to replace a database that exists unless
 * --force, and never one a server holds; it copies the backup beside the
 * database, flushes it, and renames it in place, so the database is
 * either the old one or the whole backup. Then it says whether the key
 * file opens what it restored.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/seal.h"
#include "app/services.h"
#include "cli/cli.h"
#include "store/store.h"

int
cli_db_hold(const char *db, int exclusive, char *err, size_t errlen)
{
	int fd = open(db, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", db, strerror(errno));
		return -1;
	}
	if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
		int e = errno;

		close(fd);
		if (e == EWOULDBLOCK)
			snprintf(err, errlen, exclusive ?
			         "%s is in use by a running chiron server; stop it first" :
			         "%s is being restored (chiron restore); start the server once it is done",
			         db);
		else
			snprintf(err, errlen, "%s: %s", db, strerror(e));
		return -1;
	}
	return fd;
}

/* The key file of database db: given, or CHIRON_KEY_FILE, or chiron.key beside db. */
static void
key_path(const char *db, const char *given, char *out, size_t n)
{
	const char *env = getenv("CHIRON_KEY_FILE");

	if (given)
		snprintf(out, n, "%s", given);
	else if (env && *env)
		snprintf(out, n, "%s", env);
	else
		seal_key_path_default(db, out, n);
}

static const char key_note[] =
	"The key file is NOT in the backup: keep a copy of it apart from the backup\n"
	"(without it nothing sealed in the backup can be read; with it, anyone holding\n"
	"the backup could).";

static int
usage_backup(void)
{
	fprintf(stderr, "usage: chiron backup FILE [--db PATH] [--force]\n"
	                "       chiron restore BACKUP [--db PATH] [--key-file FILE] [--force]\n");
	return 2;
}

int
cmd_backup(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *file = NULL;
	char err[1200], key[4096];
	struct store *st;
	struct stat sb;
	long pages = 0;
	int i, force = 0, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--force") == 0)
			force = 1;
		else if (argv[i][0] == '-' || file)
			return usage_backup();
		else
			file = argv[i];
	}
	if (!file)
		return usage_backup();
	if (stat(db, &sb) != 0) {
		fprintf(stderr, "chiron backup: %s: %s; nothing was written\n", db, strerror(errno));
		return 1;
	}
	if (!force && stat(file, &sb) == 0) {
		fprintf(stderr, "chiron backup: %s already exists; nothing was written (choose a new "
		        "name, or add --force to replace it)\n", file);
		return 1;
	}
	st = store_open(db, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "chiron backup: %s\n", err);
		return 1;
	}
	rc = STORE_CALL(st, backup, file, force, &pages);
	if (rc) {
		fprintf(stderr, "chiron backup: %s%s; nothing was written\n", store_errmsg(st),
		        rc == STORE_EXISTS ? " (choose a new name, or add --force to replace it)" :
		        store_failed_full() && !strstr(store_errmsg(st), "disk is full") ?
		        " (the disk is full)" : "");
		store_close(st);
		return 1;
	}
	store_close(st);
	if (stat(file, &sb) != 0)
		sb.st_size = 0;
	key_path(db, NULL, key, sizeof(key));
	printf("backed up %s to %s: %ld pages, %lld bytes, checked whole (SQLite's integrity "
	       "check) and flushed to disk.\n%s\nThe key file of %s is %s.\n", db, file, pages,
	       (long long)sb.st_size, key_note, db, key);
	return 0;
}

/* Copies from to a new file to (mode 0600), flushed to disk; 0 or -1 with why in err. */
static int
copy_file(const char *from, const char *to, char *err, size_t errlen)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	char buf[1 << 16];
	ssize_t n;

	if (in < 0) {
		snprintf(err, errlen, "%s: %s", from, strerror(errno));
		return -1;
	}
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		snprintf(err, errlen, "%s: %s", to, strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (n > 0) {
			ssize_t w = write(out, p, (size_t)n);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				snprintf(err, errlen, "writing %s: %s", to, strerror(errno));
				goto out;
			}
			p += w;
			n -= w;
		}
	}
	if (n < 0) {
		snprintf(err, errlen, "reading %s: %s", from, strerror(errno));
		goto out;
	}
	if (fsync(out) != 0) {
		snprintf(err, errlen, "flushing %s to disk: %s", to, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (out >= 0 && close(out) != 0 && rc == 0) {
		snprintf(err, errlen, "writing %s: %s", to, strerror(errno));
		rc = -1;
	}
	close(in);
	return rc;
}

/* The directory of path, flushed (a rename in it made durable). */
static void
sync_dir_of(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/*
 * Whether the key file at key opens the database at db, as `chiron
 * serve` would open it (the schema brought up to date, sealer_start): 0
 * when it does, 1 when there is no key file there (a warning: it may be
 * copied later), -1 when it does not (the reason in err). A database that
 * holds no key yet gets its keys under this key file, as a server would.
 */
static int
check_key(const char *db, const char *key, char *err, size_t errlen)
{
	struct services sv;
	struct store *st;
	int made = 0, rc;

	if (access(key, F_OK) != 0) {
		snprintf(err, errlen, "%s: %s", key, strerror(errno));
		return 1;
	}
	st = store_open(db, err, errlen);
	if (!st)
		return -1;
	services_init(&sv, st, NULL);
	rc = sealer_start(&sv, key, &made, err, errlen);
	if (rc == 0)
		sealer_stop(&sv);
	store_close(st);
	return rc ? -1 : 0;
}

int
cmd_restore(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *from = NULL, *key_file = NULL;
	char err[1200], tmp[4200], side[4200], key[4096];
	struct stat sb;
	int i, force = 0, version = 0, hold = -1, exists, k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--key-file") == 0 && i + 1 < argc)
			key_file = argv[++i];
		else if (strcmp(argv[i], "--force") == 0)
			force = 1;
		else if (argv[i][0] == '-' || from)
			return usage_backup();
		else
			from = argv[i];
	}
	if (!from)
		return usage_backup();
	snprintf(side, sizeof(side), "%s-wal", from);
	if (stat(side, &sb) == 0 && sb.st_size > 0) {
		fprintf(stderr, "chiron restore: %s has a write-ahead log beside it (%s): it is a "
		        "database in use, not a backup; make one with chiron backup. Nothing was "
		        "changed.\n", from, side);
		return 1;
	}
	if (store_check_file(from, &version, err, sizeof(err))) {
		fprintf(stderr, "chiron restore: %s. Nothing was changed.\n", err);
		return 1;
	}
	exists = stat(db, &sb) == 0;
	if (exists && !force) {
		fprintf(stderr, "chiron restore: %s already exists. Nothing was changed (restore into "
		        "a new path, or add --force to replace it, with its server stopped).\n", db);
		return 1;
	}
	if (exists && (hold = cli_db_hold(db, 1, err, sizeof(err))) < 0) {
		fprintf(stderr, "chiron restore: %s. Nothing was changed.\n", err);
		return 1;
	}
	if (!exists) {
		/* The database's directory, one level, as store_open makes it. */
		char dir[4096];
		const char *slash = strrchr(db, '/');

		if (slash && slash != db) {
			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - db), db);
			if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
				fprintf(stderr, "chiron restore: %s: %s. Nothing was changed.\n", dir,
				        strerror(errno));
				return 1;
			}
		}
	}
	snprintf(tmp, sizeof(tmp), "%s.restore.tmp", db);
	if (copy_file(from, tmp, err, sizeof(err))) {
		unlink(tmp);
		fprintf(stderr, "chiron restore: %s. Nothing was changed.\n", err);
		goto fail;
	}
	if (store_check_file(tmp, NULL, err, sizeof(err))) {
		unlink(tmp);
		fprintf(stderr, "chiron restore: the copy failed its check: %s. Nothing was "
		        "changed.\n", err);
		goto fail;
	}
	/* The key file must open what is restored; a missing one is said. */
	key_path(db, key_file, key, sizeof(key));
	k = check_key(tmp, key, err, sizeof(err));
	if (k < 0) {
		unlink(tmp);
		fprintf(stderr, "chiron restore: the key file %s does not open %s: %s.\nNothing was "
		        "changed: put the key file kept with the backup at %s (or name it with "
		        "--key-file FILE), then restore again.\n", key, from, err, key);
		goto fail;
	}
	/* The old database's log must not meet the new file. */
	snprintf(side, sizeof(side), "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", db);
	unlink(side);
	if (rename(tmp, db) != 0) {
		fprintf(stderr, "chiron restore: renaming %s to %s: %s\n", tmp, db, strerror(errno));
		unlink(tmp);
		goto fail;
	}
	sync_dir_of(db);
	if (hold >= 0)
		close(hold);
	printf("restored %s from %s (schema version %d), checked whole.\n", db, from, version);
	if (k > 0)
		printf("No key file at %s: nothing sealed in it can be read, and chiron serve will not "
		       "start on it, until the key file kept apart from the backup is copied there "
		       "(mode 0600).\n", key);
	else
		printf("The key file %s opens it.\n", key);
	return 0;
fail:
	if (hold >= 0)
		close(hold);
	return 1;
}
