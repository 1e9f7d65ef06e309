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

char *
cli_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 65536, n = 0;
	char *p = NULL, *q;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t r;

		if (!(q = realloc(p, cap + 1))) {
			snprintf(err, errlen, "%s: out of memory", path);
			free(p);
			p = NULL;
			break;
		}
		p = q;
		r = fread(p + n, 1, cap - n, f);
		n += r;
		if (n < cap) {
			if (ferror(f)) {
				snprintf(err, errlen, "%s: %s", path, strerror(errno));
				free(p);
				p = NULL;
			}
			break;
		}
		cap *= 2;
	}
	if (f != stdin)
		fclose(f);
	if (p) {
		p[n] = '\0';
		*len = n;
	}
	return p;
}
