/*
 * verr.h: what was wrong with an input, in words a person can act on.
 *
 * Every validator (record, query, compacts, taxonomy) fills a struct verr
 * when it refuses its input: the field path ("fee.session",
 * "availability[2].end"; empty for the whole input) and a sentence. A byte
 * offset is kept for malformed JSON. The CLI prints "line N: field: message";
 * the API answers {"error":{"field":...,"message":...}}.
 */
#ifndef CHIRON_VERR_H
#define CHIRON_VERR_H

struct verr {
	char field[128];
	char msg[384];
	long offset;            /* byte offset for malformed JSON, else -1 */
};

void verr_clear(struct verr *e);
/* Sets field and message; returns -1 so callers can "return verr_set(...)". */
int verr_set(struct verr *e, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
