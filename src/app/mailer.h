/*
 * mailer.h (src/app): delivering the outbox by SMTP.
 *
 * The outbox table is where every message chiron sends (a password reset)
 * is written first. When `chiron serve` is given an SMTP server, a mailer
 * runs beside the web server: one thread that sends the due messages
 * through libcurl, marks each sent or failed in the store, and sleeps
 * until a new message is written (mailer_wake) or a minute passes. A
 * failed message is retried with an exponential back-off, at most
 * STORE_OUTBOX_MAX_ATTEMPTS times (store.h). Without a mailer, messages
 * stay in the table, sealed (store.h, mail at rest).
 *
 * Instead of SMTP, the mailer may deliver to a directory (config dir,
 * `--mail-dir`, for development and tests): one RFC 5322 file per
 * message, through the same loop.
 *
 * The message itself (mail_compose) is a pure function, tested on its own.
 */
#ifndef CHIRON_APP_MAILER_H
#define CHIRON_APP_MAILER_H

#include <stddef.h>
#include <stdint.h>

#include "app/ctx.h"
#include "core/buf.h"
#include "store/store.h"

struct mailer_config {
	const char *url;        /* smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT] */
	const char *from;       /* "addr@example.org" or "Name <addr@example.org>" */
	const char *user;       /* NULL or "": no authentication */
	const char *password;   /* the secret for user (from the environment), or NULL */
	int insecure;           /* smtp:// may go without TLS when the server offers none */
	long retry_base;        /* seconds before the first retry; each next one doubles */
	const char *dir;        /* --mail-dir: each message to DIR/<id>.eml instead (no url) */
	struct clock *clock;    /* the time of due, sent and failed; NULL: the system's */
};

/* A message older than this at its first try is not sent at all. */
#define MAILER_MAX_AGE (24 * 3600)

/*
 * Checks c without starting anything: a dir and no URL, or an smtp or smtps URL without
 * credentials in it, a From address, a user with a password, a positive
 * retry base. Returns 0, or -1 with the reason in err (never the password).
 */
int mailer_check(const struct mailer_config *c, char *err, size_t errlen);

/*
 * Starts the sender thread on st (which must outlive the mailer). c is
 * copied. Returns NULL with the reason in err. Call from the main thread
 * before other threads use libcurl: it initializes libcurl.
 */
struct mailer *mailer_start(struct store *st, const struct mailer_config *c,
                            char *err, size_t errlen);

/* Tells the sender a message was written. Any thread; m may be NULL. */
void mailer_wake(struct mailer *m);

/*
 * Stops the sender: a transfer in progress is abandoned (the message
 * stays due, untouched), the thread joined, everything freed. m may be
 * NULL. No mailer_wake() may run during or after it.
 */
void mailer_stop(struct mailer *m);

/* ----------------------------------------------------------------------
 * The message (RFC 5322, MIME)
 * ---------------------------------------------------------------------- */

enum mail_err {
	MAIL_OK,
	MAIL_BAD_FROM,          /* not an address, or CR/LF in it */
	MAIL_BAD_TO,            /* not an address, or CR/LF in it */
	MAIL_BAD_SUBJECT,       /* CR or LF in it: header injection */
	MAIL_NOMEM,
};

const char *mail_strerror(enum mail_err e);

/*
 * True when a is a plain addr-spec chiron will put in an envelope: ASCII
 * printable, one '@' with text on both sides, none of the characters
 * that would end or reshape it ("<>()[],;:\ and spaces).
 */
int mail_address_ok(const char *a);

/*
 * The envelope address of a From value ("addr" or "Name <addr>"): copied
 * into out (n bytes). Returns MAIL_OK or MAIL_BAD_FROM.
 */
enum mail_err mail_from_address(const char *from, char *out, size_t n);

/*
 * Appends to out the whole message: Date (date, UTC), From, To, Subject
 * (RFC 2047 encoded-words when it is not plain ASCII), a Message-ID
 * made of id and date on the From address's domain (the same on every
 * retry), MIME-Version, Content-Type text/plain; charset=utf-8 and a
 * Content-Transfer-Encoding (7bit, or quoted-printable when the body is
 * not plain ASCII in short lines), then body. Every line ends in CRLF.
 * Dot-stuffing is left to libcurl. On an error out is left as it was
 * (MAIL_NOMEM: freed, as buf.h does).
 */
enum mail_err mail_compose(struct buf *out, const char *from, const char *to,
                           const char *subject, const char *body, int64_t id,
                           int64_t date);

#endif
