/*
 * cli_util.c: what the commands share: the built-in taxonomy, whole-file
 * reading, and a progress line for long runs on a terminal.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/ctx.h"
#include "app/seal.h"
#include "cli/cli.h"
#include "cli/progress.h"

static pthread_once_t tax_once = PTHREAD_ONCE_INIT;
static struct taxonomy *tax;

static void
load_taxonomy(void)
{
	struct verr e;

	if (tax_load(&tax, chiron_taxonomy_json, chiron_taxonomy_json_len, &e)) {
		fprintf(stderr, "chiron: built-in data/taxonomy.json: %s: %s\n", e.field, e.msg);
		exit(1);
	}
}

const struct taxonomy *
cli_taxonomy(void)
{
	pthread_once(&tax_once, load_taxonomy);
	return tax;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
cli_quantile_ms(double *v, size_t n, double p)
{
	size_t k = (size_t)(p * (double)n);

	if (!n)
		return 0;
	qsort(v, n, sizeof(double), cmp_double);
	return v[k < n ? k : n - 1] * 1e3;
}

struct store *
cli_open_sealed(const char *cmd, const char *db, const char *keyfile, struct services *sv)
{
	char path[1024], err[1200];
	struct store *st;
	int made;

	if (!keyfile)
		keyfile = getenv("CHIRON_KEY_FILE");
	if (!keyfile || !*keyfile)
		keyfile = getenv("CHIRON_MAIL_KEY_FILE");
	if (keyfile && *keyfile)
		snprintf(path, sizeof(path), "%s", keyfile);
	else
		seal_key_path_default(db, path, sizeof(path));
	st = store_open(db, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "chiron %s: %s\n", cmd, err);
		return NULL;
	}
	services_init(sv, st, NULL);
	if (sealer_start(sv, path, &made, err, sizeof(err))) {
		fprintf(stderr, "chiron %s: %s\n", cmd, err);
		store_close(st);
		return NULL;
	}
	if (made)
		fprintf(stderr, "chiron: created the key file %s: back it up apart from the "
		        "database (without it nothing sealed in the database can be read)\n", path);
	return st;
}

void
cli_close_sealed(struct services *sv)
{
	struct store *st = sv->store;

	sealer_stop(sv);
	if (st)
		store_close(st);
	sv->store = NULL;
}
