/*
 * kinds.h: the closed vocabularies of booking as enums with name tables.
 *
 * The store keeps these as strings ("booked", "couples", "telehealth");
 * code reads them once, at the edge, with the *_parse functions below and
 * compares enums from then on. Each list is an X-macro of (enum, stored
 * name, words for a person), so the enum, its names and its labels cannot
 * drift apart; each enum ends in a __MAX sentinel that sizes its tables.
 * The name tables are NULL-ended too, so a form field of type enum
 * (core/field.h) can point at them.
 *
 * Roles are the fourth vocabulary: enum acct_role in app/ctx.h.
 */
#ifndef CHIRON_KINDS_H
#define CHIRON_KINDS_H

#include "core/taxonomy.h"

/* An appointment's status. */
#define APPT_STATUSES(X) \
	X(APPT_BOOKED, "booked", "Booked") \
	X(APPT_CANCELLED, "cancelled", "Cancelled")

/* A kind of session a therapist offers. */
#define SESSION_KINDS(X) \
	X(SK_CONSULTATION, "consultation", "Consultation") \
	X(SK_INDIVIDUAL, "individual", "Individual session") \
	X(SK_COUPLES, "couples", "Couples session") \
	X(SK_GROUP, "group", "Group session")

/* How a session is held: enum modality of core/taxonomy.h, whose order
 * this list follows (kinds.c checks it). */
#define MODALITIES(X) \
	X(MOD_IN_PERSON, "in_person", "in person") \
	X(MOD_TELEHEALTH, "telehealth", "by telehealth")

#define KINDS_ENUM(e, name, words) e,
enum appt_status { APPT_STATUSES(KINDS_ENUM) APPT_STATUS__MAX };
enum session_kind { SESSION_KINDS(KINDS_ENUM) SESSION_KIND__MAX };
#undef KINDS_ENUM

/* The stored names, NULL-ended (for core/field.h's enum fields). */
extern const char *const appt_status_names[APPT_STATUS__MAX + 1];
extern const char *const session_kind_names[SESSION_KIND__MAX + 1];
extern const char *const modality_names[MOD__MAX + 1];

/*
 * The index of s in a NULL-ended name table, or -1 when s is NULL or
 * names none. The typed parsers below are this with their table.
 */
int kinds_find(const char *const *names, const char *s);

static inline int appt_status_parse(const char *s) { return kinds_find(appt_status_names, s); }
static inline int session_kind_parse(const char *s) { return kinds_find(session_kind_names, s); }
static inline int modality_parse(const char *s) { return kinds_find(modality_names, s); }

/* The stored name and the words for a person of a value ("" when out of range). */
const char *appt_status_name(enum appt_status v);
const char *session_kind_name(enum session_kind v);
const char *session_kind_label(enum session_kind v);
const char *modality_name(enum modality v);
const char *modality_words(enum modality v);

#endif
