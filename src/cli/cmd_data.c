/*
 * cmd_data.c: `chiron datakey [--db PATH] [--key-file FILE] HANDLE`
 * (hidden, for tests/data.sh): prints the data key number of account
 * HANDLE (app/seal.h; made when it has none), so a test can check in the
 * raw database that closing the account destroyed it. The number names
 * no one: it is the one that groups the account's sealed rows.
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "app/seal.h"
#include "app/services.h"
#include "cli/cli.h"

int
cmd_datakey(int argc, char **argv)
{
	const char *db = DEFAULT_DB, *keyfile = NULL, *handle = NULL;
	struct services sv;
	struct store_user u;
	struct store *st;
	struct arena a;
	struct ctx cx;
	int64_t kid = 0;
	int i, rc, found = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--key-file") == 0 && i + 1 < argc)
			keyfile = argv[++i];
		else if (!handle && argv[i][0] != '-')
			handle = argv[i];
		else
			handle = NULL, i = argc;
	}
	if (!handle) {
		fprintf(stderr, "usage: chiron datakey [--db PATH] [--key-file FILE] HANDLE\n");
		return 2;
	}
	if (!(st = cli_open_sealed("datakey", db, keyfile, &sv)))
		return 1;
	rc = STORE_CALL(st, user_find, handle, &u, &found);
	if (rc == 0 && found) {
		arena_init(&a, 4096);
		ctx_begin(&cx, &sv, &a);
		rc = seal_user_key(&cx, u.id, &kid);
		ctx_done(&cx);
		arena_free(&a);
	}
	if (rc == 0 && found)
		printf("%lld\n", (long long)kid);
	else
		fprintf(stderr, "chiron datakey: %s\n", rc ? store_errmsg(st) : "no such account");
	cli_close_sealed(&sv);
	return rc || !found ? 1 : 0;
}
