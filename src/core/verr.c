/*
 * verr.c: filling validation errors (see verr.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "core/verr.h"

void
verr_clear(struct verr *e)
{
	e->field[0] = '\0';
	e->msg[0] = '\0';
	e->offset = -1;
}

int
verr_set(struct verr *e, const char *field, const char *fmt, ...)
{
	va_list ap;

	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}
