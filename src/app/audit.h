/*
 * audit.h (src/app): the audit trail (issue 11): who did what to whose
 * data, when and from where, never the content; hash-chained, so an entry
 * deleted or edited is found by `chiron audit verify`.
 *
 * The interface every service calls; its implementation (audit.c) and
 * the chain's design note are the audit part of issue 11.
 */
#ifndef CHIRON_APP_AUDIT_H
#define CHIRON_APP_AUDIT_H

#include <stdint.h>

struct ctx;
struct actor;

/* What happened (names stored and shown: audit_kind_name). */
#define AUDIT_KINDS(X) \
	X(AUDIT_SIGNIN, "sign-in") \
	X(AUDIT_SIGNIN_FAILED, "failed sign-in") \
	X(AUDIT_SIGNOUT, "sign-out") \
	X(AUDIT_READ, "read") \
	X(AUDIT_WRITE, "change") \
	X(AUDIT_ADMIN, "admin action") \
	X(AUDIT_PASSWORD, "password change") \
	X(AUDIT_SECOND_FACTOR, "second factor change") \
	X(AUDIT_EXPORT, "export") \
	X(AUDIT_ERASE, "erasure")
#define AUDIT_ENUM(e, s) e,
enum audit_kind { AUDIT_KINDS(AUDIT_ENUM) AUDIT_N };
#undef AUDIT_ENUM

const char *audit_kind_name(enum audit_kind k);

/*
 * Records that actor `who` did `kind` to the record of type `what`
 * ("request", "appointment", "listing", "account", ...; a fixed name)
 * numbered or named `record` (may be ""), holding the data of account
 * `subject` (0: no one person's). Never content: the caller passes no
 * message, no name typed, no address but the actor's (hashed here).
 * Returns 0, or -1 when the entry could not be written: the caller then
 * fails its request (no unrecorded read of another person's data).
 */
int audit_note(struct ctx *cx, const struct actor *who, enum audit_kind kind, const char *what,
               const char *record, int64_t subject);

#endif
