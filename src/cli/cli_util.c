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
