/*
 * taxonomy.h: chiron's code lists, each code with a human label.
 *
 * The lists come from data/taxonomy.json (compiled into the binary). A
 * code's position in its list is its index: orientations, focus areas,
 * populations and career stages become bits of a uint64_t per therapist, so
 * those lists hold at most 64 codes. The lists whose meaning the matcher
 * depends on (modalities, formats, compacts, org kinds, affiliation roles)
 * must list their codes in the order of the enums below; tax_load() checks.
 */
#ifndef CHIRON_TAXONOMY_H
#define CHIRON_TAXONOMY_H

#include <stddef.h>

#include "core/verr.h"

enum tax_list {
	TAX_PROFESSION,
	TAX_ORIENTATION,
	TAX_FOCUS,
	TAX_POPULATION,
	TAX_CAREER,
	TAX_MODALITY,
	TAX_FORMAT,
	TAX_COMPACT,
	TAX_ORG_KIND,
	TAX_ROLE,
	TAX_LANGUAGE,
	TAX_JURISDICTION,
	TAX__MAX
};

enum modality { MOD_IN_PERSON, MOD_TELEHEALTH, MOD__MAX };
enum format { FMT_INDIVIDUAL, FMT_GROUP, FMT_COUPLES, FMT__MAX };
enum compact { CMP_PSYPACT, CMP_COUNSELING, CMP_SOCIAL_WORK, CMP__MAX };
enum org_kind {
	KIND_EMPLOYER, KIND_TRAINING_PROGRAM, KIND_CONSULTATION_GROUP,
	KIND_ASSOCIATION, KIND_OTHER, KIND__MAX
};
enum role {
	ROLE_EMPLOYER, ROLE_TRAINEE, ROLE_FACULTY, ROLE_MEMBER,
	ROLE_SUPERVISOR, ROLE_SUPERVISEE, ROLE__MAX
};

#define TAX_MAX_JURISDICTIONS 256
#define TAX_MAX_LANGUAGES 256

struct taxonomy;

/*
 * Parses the taxonomy JSON text (len bytes). On success *out owns a new
 * taxonomy (free with tax_free) and 0 is returned; on failure e says why.
 */
int tax_load(struct taxonomy **out, const char *json, size_t len,
             struct verr *e);
void tax_free(struct taxonomy *t);

/* The index of code in list, or -1 when the list has no such code. */
int tax_find(const struct taxonomy *t, enum tax_list list, const char *code);
int tax_count(const struct taxonomy *t, enum tax_list list);
const char *tax_code(const struct taxonomy *t, enum tax_list list, int i);
const char *tax_label(const struct taxonomy *t, enum tax_list list, int i);
/* The list's name as the contract writes it ("orientations"). */
const char *tax_list_name(enum tax_list list);

/* The taxonomy compiled into the binary from data/taxonomy.json. */
extern const char chiron_taxonomy_json[];
extern const size_t chiron_taxonomy_json_len;
extern const char chiron_compacts_json[];
extern const size_t chiron_compacts_json_len;

#endif
