/*
 * record.h: the directory's records (section 1 of the matching contract):
 * organizations, therapists and deletions, parsed and validated from one
 * JSON line, and packed into a compact binary form for fast loading.
 *
 * Every string and array of a parsed record lives in the arena passed to
 * the parser; the record is valid until that arena is reset.
 */
#ifndef CHIRON_RECORD_H
#define CHIRON_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/taxonomy.h"
#include "core/verr.h"

#define ID_MAX 64
#define NO_FEE (-1)

struct window {
	uint8_t day;            /* 0 = mon ... 6 = sun */
	uint16_t start, end;    /* minutes after local midnight; end <= 1440 */
};

struct affiliation {
	const char *ref;        /* an org id, or a therapist id when person */
	uint8_t role;           /* enum role */
	bool person;
	bool current;
};

struct org {
	const char *id;
	const char *name;
	uint8_t kind;           /* enum org_kind */
	int16_t jurisdiction;   /* taxonomy index */
};

struct fee {
	char currency[4];
	int32_t session;
	int32_t sliding_min;    /* NO_FEE when absent */
	int32_t discount_pct;   /* NO_FEE when absent */
	int32_t group;          /* NO_FEE when absent */
};

struct therapist {
	const char *id;
	const char *name;
	const char *credentials;
	uint8_t profession;
	char npi[11];                   /* "" when absent */
	int16_t *licenses;              /* jurisdiction indexes */
	int n_licenses;
	uint8_t compacts;               /* bit per enum compact */
	bool has_office;
	double lat, lon;
	int16_t office_jurisdiction;
	uint8_t modalities;             /* bit per enum modality */
	uint8_t formats;                /* bit per enum format */
	bool accepting;
	struct fee fee;
	uint64_t orientations, focus, populations;
	uint8_t career_stages;
	int16_t *languages;             /* language indexes */
	int n_languages;
	bool clinician_clients;
	const char *timezone;
	struct window *avail;
	int n_avail;
	struct affiliation *affils;
	int n_affils;
};

enum rec_type { REC_ORG, REC_THERAPIST, REC_DELETE };

struct record {
	enum rec_type type;
	const char *id;
	struct org org;                 /* when REC_ORG */
	struct therapist t;             /* when REC_THERAPIST */
};

/*
 * Parses and validates one JSON line (len bytes, need not be NUL-ended).
 * Returns 0 and fills *r, or -1 with e naming the field and the reason
 * (e->offset is the byte offset when the JSON itself is malformed).
 */
int record_parse(const struct taxonomy *tax, const char *line, size_t len,
                 struct arena *a, struct record *r, struct verr *e);

/* Checks an id: 1..ID_MAX bytes of [A-Za-z0-9._:-]. */
bool record_id_ok(const char *id);
/* The NPI rule: 10 digits whose Luhn check over "80840" + digits holds. */
bool npi_ok(const char *npi);

/*
 * The packed form: a versioned little-endian encoding of a therapist that
 * names codes by their strings, so that it survives taxonomy changes.
 * therapist_pack appends to out; therapist_unpack fills t from the arena.
 */
int therapist_pack(const struct taxonomy *tax, const struct therapist *t,
                   struct buf *out);
int therapist_unpack(const struct taxonomy *tax, const void *p, size_t n,
                     struct arena *a, struct therapist *t, struct verr *e);

/* Writes t back as one canonical JSON object (no newline). */
int therapist_to_json(const struct taxonomy *tax, const struct therapist *t,
                      struct buf *out);
int org_to_json(const struct taxonomy *tax, const struct org *o,
                struct buf *out);

/* The day names of the contract, "mon".."sun". */
extern const char *const day_names[7];
/* Parses "HH:MM" (00:00..24:00) into minutes; -1 when malformed. */
int parse_hhmm(const char *s);

#endif
