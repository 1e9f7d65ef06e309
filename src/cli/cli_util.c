/*
 * cli_util.c: what the commands share: the built-in taxonomy, whole-file
 * reading, and a progress line for long runs on a terminal.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
