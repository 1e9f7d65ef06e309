/*
 * outbox.c: the outbox of mail, sealed at rest (store.h): writing a
 * message, handing due ones to the mailer, recording what became of them,
 * and the key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/sqlite/sqlite_int.h"

/*
 * A message goes in sealed (store.h): the row is inserted empty for its
 * id (the seal's associated data), then given its blob, in one
 * transaction (or inside the caller's), so no reader sees it half made.
 */
int
sq_outbox_put(struct store *bs, const char *to, const char *subject, const char *body,
              int64_t now, int64_t *id)
{
	struct store_sqlite *s = S(bs);
	unsigned char *blob = NULL;
	size_t n = 0;
	bool own_tx;
	int rc;

	*id = 0;
	if (!s->has_mail_key) {
		store_error("writing to the outbox: no mail key (the store was opened without one)");
		return -1;
	}
	pthread_mutex_lock(&s->lock);
	own_tx = sqlite3_get_autocommit(s->db);
	if (own_tx && sq_tx_begin(s)) {
		pthread_mutex_unlock(&s->lock);
		return -1;
	}
	rc = sq_run(s, "writing to the outbox", sq_row_int64, id,
		    "INSERT INTO outbox (to_addr, subject, body, created_at) VALUES ('', '', '', ?1) "
		    "RETURNING id", "i", now);
	if (rc == 0 && store_mail_seal(s->mail_key, *id, to, subject, body, &blob, &n))
		rc = sq_fail(s, "out of memory sealing a message");
	if (rc == 0)
		rc = sq_run(s, "writing to the outbox", NULL, NULL,
			    "UPDATE outbox SET sealed = ?1 WHERE id = ?2", "Bi", blob, n, *id);
	free(blob);
	if (own_tx)
		rc = sq_tx_end(s, rc);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int
sq_outbox_add(struct store *bs, const char *to, const char *subject, const char *body,
              int64_t now)
{
	int64_t id;

	return sq_outbox_put(bs, to, subject, body, now, &id);
}

/*
 * The outbox's delivery: messages gathered under the lock, handed to the
 * sender after it (the sender calls the store back for each).
 */
struct mail_row {
	struct store_mail m;
	unsigned char *blob;            /* as stored, sealed */
	size_t n;
	char *mem;                      /* what m's strings point into, once opened */
};

struct mails {
	struct mail_row *v;
	size_t n, cap;
	int oom;
	bool legacy;                    /* reading plain rows to seal them */
};

static char *
dup_col(sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	return strdup(v ? (const char *)v : "");
}

static int
row_mail_gather(sqlite3_stmt *st, void *arg)
{
	struct mails *x = arg;
	struct mail_row *m;

	if (vec_grow(&x->v, &x->cap, x->n + 1, sizeof(*x->v)))
		return x->oom = 1;
	m = &x->v[x->n];
	memset(m, 0, sizeof(*m));
	m->m.id = sqlite3_column_int64(st, 0);
	m->m.created_at = sqlite3_column_int64(st, 1);
	m->m.attempts = sqlite3_column_int(st, 2);
	x->n++;
	if (sqlite3_column_type(st, 3) == SQLITE_BLOB) {
		m->n = (size_t)sqlite3_column_bytes(st, 3);
		if (!(m->blob = malloc(m->n ? m->n : 1)))
			return x->oom = 1;
		memcpy(m->blob, sqlite3_column_blob(st, 3), m->n);
	} else if (x->legacy) {
		/* A message of an older chiron, in the clear: to be sealed. */
		m->m.to = m->mem = dup_col(st, 4);
		m->m.subject = dup_col(st, 5);
		m->m.body = dup_col(st, 6);
		if (!m->mem || !m->m.subject || !m->m.body)
			return x->oom = 1;
	}
	return 0;
}

static void
mails_free(struct mails *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		struct store_mail *m = &x->v[i].m;

		free(x->v[i].blob);
		if (x->v[i].mem && !x->legacy)   /* to, subject and body, one after the other */
			sodium_memzero(x->v[i].mem, (size_t)(m->body + strlen(m->body) - m->to));
		free(x->v[i].mem);
		if (x->legacy) {
			free((char *)x->v[i].m.subject);
			free((char *)x->v[i].m.body);
		}
	}
	free(x->v);
}

int
sq_outbox_pending(struct store *bs, int64_t now, int64_t retry_base, int max,
                  store_mail_fn fn, void *arg)
{
	struct store_sqlite *s = S(bs);
	struct mails x = {NULL, 0, 0, 0, false};
	size_t i;
	int rc;

	if (!s->has_mail_key) {
		store_error("reading the outbox: no mail key (the store was opened without one)");
		return -1;
	}
	/* Try k (k = attempts so far, 1 or more) is due retry_base * 2^(k-1) after the last. */
	rc = sq_run(s, "reading the outbox", row_mail_gather, &x,
		    "SELECT id, created_at, attempts, sealed FROM outbox "
		    "WHERE sent_at IS NULL AND attempts < ?1 "
		    "AND (attempts = 0 OR tried_at + (?2 << (attempts - 1)) <= ?3) "
		    "ORDER BY id LIMIT ?4", "iiii", (int64_t)STORE_OUTBOX_MAX_ATTEMPTS,
		    retry_base, now, (int64_t)max);
	if (rc == 0 && x.oom)
		rc = sq_fail(s, "out of memory reading the outbox");
	for (i = 0; rc == 0 && i < x.n; i++) {
		struct mail_row *m = &x.v[i];

		if (store_mail_open(s->mail_key, m->m.id, m->blob, m->n, &m->mem, &m->m.to,
		                    &m->m.subject, &m->m.body)) {
			/*
			 * Not this key's, not this row's, or changed. Counted as a
			 * failed try, not given up at once: a server started with
			 * the wrong --mail-key, restarted with the right one, still
			 * sends it. After the last try it is erased like any other.
			 */
			rc = sq_outbox_failed(bs, m->m.id, "not sent: the sealed message does not open "
			                      "with this server's mail key", now);
			continue;
		}
		if (fn(arg, &m->m))
			break;
	}
	mails_free(&x);
	return rc;
}

/*
 * Sent or given up: the sealed message is erased, and with secure_delete
 * (set at open) its bytes are overwritten in the page, not only unlinked.
 */
int
sq_outbox_sent(struct store *bs, int64_t id, int64_t now)
{
	return sq_run(S(bs), "marking a message sent", NULL, NULL,
		      "UPDATE outbox SET sent_at = ?1, tried_at = ?1, attempts = attempts + 1, "
		      "last_error = NULL, sealed = NULL, to_addr = '', subject = '', body = '' "
		      "WHERE id = ?2", "ii", now, id);
}

/* A failed try; the last one gives the message up, and erases it. */
int
sq_outbox_failed(struct store *bs, int64_t id, const char *err, int64_t now)
{
	return sq_run(S(bs), "recording a failed delivery", NULL, NULL,
		      "UPDATE outbox SET tried_at = ?1, attempts = attempts + 1, last_error = ?2, "
		      "sealed = iif(attempts + 1 >= ?4, NULL, sealed), "
		      "to_addr = '', subject = '', body = '' "
		      "WHERE id = ?3 AND sent_at IS NULL", "itii", now, err, id,
		      (int64_t)STORE_OUTBOX_MAX_ATTEMPTS);
}

int
sq_outbox_give_up(struct store *bs, int64_t id, const char *err, int64_t now)
{
	return sq_run(S(bs), "giving up a delivery", NULL, NULL,
		      "UPDATE outbox SET tried_at = ?1, attempts = ?2, last_error = ?3, "
		      "sealed = NULL, to_addr = '', subject = '', body = '' "
		      "WHERE id = ?4 AND sent_at IS NULL", "iiti", now,
		      (int64_t)STORE_OUTBOX_MAX_ATTEMPTS, err, id);
}

/*
 * The key, and the unsent messages an older chiron left in the clear
 * sealed with it, in one transaction.
 */
int
sq_set_mail_key(struct store *bs, const unsigned char *key)
{
	struct store_sqlite *s = S(bs);
	struct mails x = {NULL, 0, 0, 0, true};
	size_t i;
	int rc;

	memcpy(s->mail_key, key, sizeof(s->mail_key));
	s->has_mail_key = true;
	if (sq_tx_begin(s))
		return -1;
	rc = sq_run(s, "sealing the outbox", row_mail_gather, &x,
		    "SELECT id, created_at, attempts, sealed, to_addr, subject, body FROM outbox "
		    "WHERE sealed IS NULL AND sent_at IS NULL AND attempts < ?1 AND to_addr <> ''",
		    "i", (int64_t)STORE_OUTBOX_MAX_ATTEMPTS);
	if (rc == 0 && x.oom)
		rc = sq_fail(s, "out of memory sealing the outbox");
	for (i = 0; rc == 0 && i < x.n; i++) {
		unsigned char *blob;
		size_t n;

		if (store_mail_seal(key, x.v[i].m.id, x.v[i].m.to, x.v[i].m.subject, x.v[i].m.body,
		                    &blob, &n)) {
			rc = sq_fail(s, "out of memory sealing the outbox");
			break;
		}
		rc = sq_run(s, "sealing the outbox", NULL, NULL,
			    "UPDATE outbox SET sealed = ?1, to_addr = '', subject = '', body = '' "
			    "WHERE id = ?2", "Bi", blob, n, x.v[i].m.id);
		free(blob);
	}
	mails_free(&x);
	return sq_tx_end(s, rc);
}

/* The outbox's rows as they stand, for tests (store.h). */
struct list_arg {
	store_outbox_row_fn fn;
	void *arg;
};

static int
row_outbox_list(sqlite3_stmt *st, void *arg)
{
	struct list_arg *x = arg;
	struct store_outbox_row r;
	const unsigned char *e;

	memset(&r, 0, sizeof(r));
	r.id = sqlite3_column_int64(st, 0);
	r.created_at = sqlite3_column_int64(st, 1);
	r.tried_at = sqlite3_column_int64(st, 2);
	r.sent_at = sqlite3_column_int64(st, 3);
	r.attempts = sqlite3_column_int(st, 4);
	if (sqlite3_column_type(st, 5) == SQLITE_BLOB) {
		r.sealed = sqlite3_column_blob(st, 5);
		r.sealed_n = (size_t)sqlite3_column_bytes(st, 5);
	}
	r.clear = sqlite3_column_int(st, 6) != 0;
	e = sqlite3_column_text(st, 7);
	r.last_error = e ? (const char *)e : "";
	return x->fn(x->arg, &r);
}

int
sq_outbox_list(struct store *bs, store_outbox_row_fn fn, void *arg)
{
	struct list_arg x = {fn, arg};

	return sq_run(S(bs), "listing the outbox", row_outbox_list, &x,
		      "SELECT id, created_at, coalesce(tried_at, 0), coalesce(sent_at, 0), attempts, "
		      "sealed, to_addr <> '' OR subject <> '' OR body <> '', last_error "
		      "FROM outbox ORDER BY id", "");
}
