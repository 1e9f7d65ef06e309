/*
 * cmd_keys.c: `chiron rekey`, rotating the master key (app/seal.h).
 *
 *   chiron rekey [--db PATH] [--key-file FILE]
 *
 * A new master key is added to the key file, every data key of the
 * database is re-wrapped under it in one transaction, and the old master
 * key leaves the file. Nothing sealed is re-encrypted: only the data keys'
 * wrapping changes, so a rekey of a million accounts takes seconds. A
 * server on the same database goes on answering throughout (seal.c reads
 * the key file again when it meets the new master key).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/ctx.h"
#include "app/seal.h"
#include "cli/cli.h"

static int
usage_rekey(void)
{
	fprintf(stderr, "usage: chiron rekey [--db PATH] [--key-file FILE]\n");
	return 2;
}

int
cmd_rekey(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *keyfile = NULL;
	struct services sv;
	struct store *st;
	char path[1024], err[1200];
	long n = 0;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--key-file") == 0 && i + 1 < argc)
			keyfile = argv[++i];
		else
			return usage_rekey();
	}
	/* Opened as a server would: the key file must open the database. */
	st = cli_open_sealed("rekey", db, keyfile, &sv);
	if (!st)
		return 1;
	if (keyfile)
		snprintf(path, sizeof(path), "%s", keyfile);
	else if (getenv("CHIRON_KEY_FILE") && *getenv("CHIRON_KEY_FILE"))
		snprintf(path, sizeof(path), "%s", getenv("CHIRON_KEY_FILE"));
	else
		seal_key_path_default(db, path, sizeof(path));
	rc = seal_rekey(st, path, &n, err, sizeof(err));
	if (rc)
		fprintf(stderr, "chiron rekey: %s\n", err);
	else
		printf("re-wrapped %ld data key%s under a new master key in %s; the old master key "
		       "is gone from it (backups of the old key file no longer open this database's "
		       "keys: older backups of the database still need the old key)\n",
		       n, n == 1 ? "" : "s", path);
	cli_close_sealed(&sv);
	return rc ? 1 : 0;
}
