/*
 * store.c: choosing the engine for a store spec.
 */
#include <stdio.h>
#include <string.h>

#include "store/store.h"

struct store *
store_open(const char *spec, char *err, size_t errlen)
{
	if (strncmp(spec, "postgres://", 11) == 0 ||
	    strncmp(spec, "postgresql://", 13) == 0) {
		snprintf(err, errlen, "%s: the PostgreSQL store is not built yet; use a SQLite file path", spec);
		return NULL;
	}
	return store_sqlite_open(spec, err, errlen);
}

void
store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

const char *
store_errmsg(const struct store *s)
{
	return s->errmsg;
}
