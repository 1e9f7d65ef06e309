/*
 * kinds.c: the name tables of kinds.h, and the look-ups over them.
 */
#include <string.h>

#include "core/kinds.h"

#define KINDS_NAME(e, name, words) name,
#define KINDS_WORDS(e, name, words) words,
const char *const appt_status_names[APPT_STATUS__MAX + 1] = { APPT_STATUSES(KINDS_NAME) NULL };
const char *const session_kind_names[SESSION_KIND__MAX + 1] = { SESSION_KINDS(KINDS_NAME) NULL };
const char *const modality_names[MOD__MAX + 1] = { MODALITIES(KINDS_NAME) NULL };
static const char *const session_kind_labels[] = { SESSION_KINDS(KINDS_WORDS) };
static const char *const modality_word_table[] = { MODALITIES(KINDS_WORDS) };
#undef KINDS_NAME
#undef KINDS_WORDS

_Static_assert(sizeof(modality_word_table) / sizeof(modality_word_table[0]) == MOD__MAX,
               "MODALITIES names every enum modality of core/taxonomy.h");

int
kinds_find(const char *const *names, const char *s)
{
	int i;

	for (i = 0; s && names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *
appt_status_name(enum appt_status v)
{
	return (unsigned)v < APPT_STATUS__MAX ? appt_status_names[v] : "";
}

const char *
session_kind_name(enum session_kind v)
{
	return (unsigned)v < SESSION_KIND__MAX ? session_kind_names[v] : "";
}

const char *
session_kind_label(enum session_kind v)
{
	return (unsigned)v < SESSION_KIND__MAX ? session_kind_labels[v] : "";
}

const char *
modality_name(enum modality v)
{
	return (unsigned)v < MOD__MAX ? modality_names[v] : "";
}

const char *
modality_words(enum modality v)
{
	return (unsigned)v < MOD__MAX ? modality_word_table[v] : "";
}
