/*
 * compacts.h: the member jurisdictions of the interstate compacts
 * (PSYPACT, the Counseling Compact, the Social Work Compact).
 *
 * chiron ships data/compacts.json; operators replace it with
 * `--compacts FILE` as states join. The format is section 1.2 of the
 * contract: {"as_of":"YYYY-MM-DD","PSYPACT":["US-AZ",...],...}; keys that
 * begin with "_" are comments.
 */
#ifndef CHIRON_COMPACTS_H
#define CHIRON_COMPACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/taxonomy.h"
#include "core/verr.h"

struct compacts {
	char as_of[11];                                 /* "" when absent */
	/* member[c][j]: jurisdiction j is a member of compact c */
	bool member[CMP__MAX][TAX_MAX_JURISDICTIONS];
};

int compacts_parse(const struct taxonomy *tax, const char *json, size_t len,
                   struct compacts *out, struct verr *e);

#endif
