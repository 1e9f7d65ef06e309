/*
 * audit.c: the audit trail (audit.h): who did what to whose data, when
 * and from where, never the content.
 *
 * Design notes
 *
 * 1. What is recorded. Every sign-in (and failed one), sign-out and
 *    password change; every admin action; every read or write by one
 *    person of another's data (a therapist's requests and schedule, an
 *    admin's queue of claims). An entry is: its number seq (1, 2, 3...,
 *    no gaps), the time, the kind (audit.h's names), what kind of record
 *    ("request", "appointment", "claim-verify": fixed names), the subject,
 *    a sealed detail, the client's address hashed, and the chain hash.
 *    Never a message, an answer, a name typed or an address in clear.
 *
 * 2. Who is told nothing by the file. Someone holding a copy of the
 *    database (or its WAL) must not learn who consults whom from the
 *    trail. So: the subject (whose data) is a blind index,
 *    seal_blind("audit.subject", uid): the service finds a person's own
 *    entries by it, the thief cannot tell whose they are; the detail (the
 *    actor's account, role and listing, the subject's account, the
 *    record's number) is sealed under the system data key (SEAL_SYSTEM),
 *    bound to the row's random key rk, so an admin holding the key reads
 *    it through the service and a thief does not; the address is a keyed
 *    BLAKE2b (seal_derive "audit.addr"), 16 bytes, comparable only with
 *    the key. What the file does show: when, what kind, what kind of
 *    record, and that the same (unknown) subject came up again.
 *
 * 3. The chain. hash(n) = BLAKE2b-256 keyed with seal_derive("audit") of
 *    hash(n-1) (32 zero bytes before entry 1) and entry n's canonical
 *    bytes: seq and at as 8 bytes big-endian, then kind, what, subject,
 *    rk, detail and addr each as a 4-byte length and the bytes
 *    (audit_link). The detail is hashed as sealed, so verification needs
 *    only the audit key, and an entry whose sealed detail was shredded
 *    (its key destroyed) still verifies.
 *
 * 4. Appending is serialized by the store: audit_append reads the head
 *    and inserts the next entry in one write transaction (BEGIN IMMEDIATE:
 *    across threads and processes on one database), calling back here to
 *    compute the link. A failed append fails the caller's request: a read
 *    that cannot be recorded is refused.
 *
 * 5. Checkpoints. Every AUDIT_CHECKPOINT_EVERY entries, on the server's
 *    hourly chores, and when it stops, the head (seq and hash) goes to the
 *    server's log as a line (core/audit_line.h). Logs leave the machine
 *    (and the database's reach) on their own path.
 *
 * 6. What verification finds (audit_verify, `chiron audit verify`):
 *    a deleted entry (a gap in seq); an edited entry (its hash does not
 *    follow from its bytes and the hash before it: without the key no one
 *    can compute a new one); with checkpoints, a tail cut off or rewritten
 *    after the checkpoint saw it. What it cannot find: entries cut off at
 *    the end after the last checkpoint (the head itself is not anchored
 *    anywhere else), or anything done by someone holding the key file,
 *    who can rebuild the chain (the checkpoints already written out of
 *    reach still catch a rebuilt past).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/audit_line.h"
#include "app/audit.h"
#include "app/seal.h"
#include "app/services.h"

#define AUDIT_ENUM_NAME(e, s) s,
static const char *const kind_names[] = { AUDIT_KINDS(AUDIT_ENUM_NAME) };
#undef AUDIT_ENUM_NAME

const char *
audit_kind_name(enum audit_kind k)
{
	return (unsigned)k < AUDIT_N ? kind_names[k] : "";
}

enum audit_kind
audit_kind_parse(const char *name)
{
	int k;

	for (k = 0; k < AUDIT_N; k++)
		if (name && strcmp(name, kind_names[k]) == 0)
			return (enum audit_kind)k;
	return AUDIT_N;
}

/* ----------------------------------------------------------------------
 * The chain
 * ---------------------------------------------------------------------- */

static void
put_u64(crypto_generichash_state *h, uint64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)(v & 0xff);
	crypto_generichash_update(h, b, 8);
}

static void
put_field(crypto_generichash_state *h, const void *p, size_t n)
{
	unsigned char len[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
	                        (unsigned char)(n >> 8), (unsigned char)n};

	crypto_generichash_update(h, len, 4);
	if (n)
		crypto_generichash_update(h, p, n);
}

void
audit_link(const unsigned char key[32], const unsigned char prev[32], const struct store_audit *e,
           unsigned char out[32])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, key, 32, 32);
	crypto_generichash_update(&h, prev, 32);
	put_u64(&h, (uint64_t)e->seq);
	put_u64(&h, (uint64_t)e->at);
	put_field(&h, e->kind, strnlen(e->kind, sizeof(e->kind)));
	put_field(&h, e->what, strnlen(e->what, sizeof(e->what)));
	put_field(&h, e->subject, sizeof(e->subject));
	put_field(&h, e->rk, sizeof(e->rk));
	put_field(&h, e->detail, e->detail_n <= sizeof(e->detail) ? e->detail_n : sizeof(e->detail));
	put_field(&h, e->addr, sizeof(e->addr));
	crypto_generichash_final(&h, out, 32);
	sodium_memzero(&h, sizeof(h));
}

static int
link_fn(void *arg, const unsigned char prev[32], struct store_audit *e)
{
	audit_link(arg, prev, e, e->hash);
	return 0;
}

/* The blind index of account uid as a subject. */
static void
subject_blind(struct ctx *cx, int64_t uid, unsigned char out[32])
{
	char text[24];
	int n = snprintf(text, sizeof(text), "%lld", (long long)uid);

	seal_blind(cx, "audit.subject", text, (size_t)n, out);
}

/* Copies s into out (n bytes) with tabs and control characters as spaces. */
static void
clean_copy(char *out, size_t n, const char *s)
{
	size_t i;

	snprintf(out, n, "%s", s ? s : "");
	for (i = 0; out[i]; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = ' ';
}

int
audit_note(struct ctx *cx, const struct actor *who, enum audit_kind kind, const char *what,
           const char *record, int64_t subject)
{
	struct services *sv = cx->sv;
	struct store_audit e;
	struct buf sealed = BUF_INIT;
	unsigned char key[32];
	char plain[400], w[sizeof(e.what)], rec[160], tid[sizeof(who->therapist_id)];
	int n, rc;

	if (!sv->sealer) {
		store_error("the audit trail cannot be written: no key file was read");
		return -1;
	}
	if ((unsigned)kind >= AUDIT_N || !what || !*what) {
		store_error("an audit entry needs a kind and a kind of record");
		return -1;
	}
	memset(&e, 0, sizeof(e));
	e.at = ctx_now(cx);
	snprintf(e.kind, sizeof(e.kind), "%s", kind_names[kind]);
	clean_copy(w, sizeof(w), what);
	memcpy(e.what, w, sizeof(e.what));
	if (subject > 0)
		subject_blind(cx, subject, e.subject);
	seal_rk(e.rk);
	clean_copy(rec, sizeof(rec), record);
	clean_copy(tid, sizeof(tid), who->therapist_id);
	n = snprintf(plain, sizeof(plain), "1\t%lld\t%s\t%s\t%lld\t%s", (long long)who->id,
	             role_name(who->role), tid, (long long)(subject > 0 ? subject : 0), rec);
	if (n < 0 || (size_t)n >= sizeof(plain) ||
	    seal_put(cx, SEAL_SYSTEM, "audit", "detail", e.rk, sizeof(e.rk), plain, (size_t)n, &sealed) ||
	    sealed.len > sizeof(e.detail)) {
		buf_free(&sealed);
		sodium_memzero(plain, sizeof(plain));
		store_error("sealing an audit entry failed");
		return -1;
	}
	memcpy(e.detail, sealed.p, sealed.len);
	e.detail_n = sealed.len;
	buf_free(&sealed);
	sodium_memzero(plain, sizeof(plain));
	if (who->addr && *who->addr) {
		seal_derive(sv, "audit.addr", key);
		crypto_generichash(e.addr, sizeof(e.addr), (const unsigned char *)who->addr,
		                   strlen(who->addr), key, sizeof(key));
	}
	seal_derive(sv, "audit", key);
	rc = STORE_CALL(sv->store, audit_append, &e, link_fn, key);
	sodium_memzero(key, sizeof(key));
	if (rc)
		return -1;
	if (e.seq % AUDIT_CHECKPOINT_EVERY == 0) {
		char line[AUDIT_LINE_MAX];

		audit_line_format(e.seq, e.hash, line);
		fputs(line, stderr);
	}
	return 0;
}

int
audit_checkpoint(struct services *sv, FILE *f)
{
	unsigned char hash[32];
	char line[AUDIT_LINE_MAX];
	int64_t seq;

	if (STORE_CALL(sv->store, audit_head, &seq, hash))
		return -1;
	if (seq > 0) {
		audit_line_format(seq, hash, line);
		fputs(line, f);
		fflush(f);
	}
	return 0;
}

/* ----------------------------------------------------------------------
 * Helpers for lists of other people's data
 * ---------------------------------------------------------------------- */

/* Adds uid to v[0..*n) unless there (cap max); 1 when it did not fit. */
static int
add_seen(int64_t *v, int *n, int max, int64_t uid)
{
	int i;

	for (i = 0; i < *n; i++)
		if (v[i] == uid)
			return 0;
	if (*n == max)
		return 1;
	v[(*n)++] = uid;
	return 0;
}

int
audit_note_appts(struct ctx *cx, const struct actor *who, const struct store_appt *v, int n)
{
	return audit_note_appts_as(cx, who, "appointment", v, n > 0 ? (size_t)n : 0);
}

int
audit_note_appts_as(struct ctx *cx, const struct actor *who, const char *what,
                    const struct store_appt *v, size_t n)
{
	int64_t seen[AUDIT_ROWS_MAX];
	int k = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].seeker == who->id || v[i].seeker <= 0)
			continue;
		if (add_seen(seen, &k, AUDIT_ROWS_MAX, v[i].seeker)) {
			/* The list is long: note who is kept, and start again. */
			for (int j = 0; j < k; j++)
				if (audit_note(cx, who, AUDIT_READ, what, "", seen[j]))
					return -1;
			k = 0;
			add_seen(seen, &k, AUDIT_ROWS_MAX, v[i].seeker);
		}
	}
	for (int j = 0; j < k; j++)
		if (audit_note(cx, who, AUDIT_READ, what, "", seen[j]))
			return -1;
	return 0;
}

void
audit_rows_init(struct audit_rows *r, store_request_fn fn, void *arg)
{
	memset(r, 0, sizeof(*r));
	r->fn = fn;
	r->arg = arg;
}

int
audit_request_row(void *arg, const struct store_request *rq)
{
	struct audit_rows *r = arg;

	if (rq->seeker > 0 && add_seen(r->seen, &r->n, AUDIT_ROWS_MAX, rq->seeker))
		r->over = 1;
	return r->fn(r->arg, rq);
}

struct audit_rows *
audit_series_init(struct audit_rows *r, store_series_fn fn, void *arg)
{
	memset(r, 0, sizeof(*r));
	r->series_fn = fn;
	r->arg = arg;
	return r;
}

int
audit_series_row(void *arg, const struct store_series *sr)
{
	struct audit_rows *r = arg;

	if (sr->seeker > 0 && add_seen(r->seen, &r->n, AUDIT_ROWS_MAX, sr->seeker))
		r->over = 1;
	return r->series_fn(r->arg, sr);
}

int
audit_note_rows(struct ctx *cx, const struct actor *who, const char *what, struct audit_rows *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (r->seen[i] != who->id && audit_note(cx, who, AUDIT_READ, what, "", r->seen[i]))
			return -1;
	/* Never a page's worth (REQUESTS_PAGE is far less): refuse rather
	 * than show someone unrecorded. */
	if (r->over) {
		store_error("more people on one page than the audit trail notes");
		return -1;
	}
	return 0;
}

/* ----------------------------------------------------------------------
 * Verification
 * ---------------------------------------------------------------------- */

static int
check_cmp(const void *a, const void *b)
{
	const struct audit_check *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct vstate {
	unsigned char key[32], prev[32];
	int64_t expect;
	struct audit_verdict *v;
	audit_problem_fn fn;
	void *arg;
	struct audit_check *cps;
	int ncp, icp;
};

static void
problem(struct vstate *s, enum audit_problem p, int64_t from, int64_t to)
{
	char text[300];

	s->v->problems++;
	switch (p) {
	case AUDIT_MISSING:
		if (from == to)
			snprintf(text, sizeof(text), "entry %lld is missing: it was deleted", (long long)from);
		else
			snprintf(text, sizeof(text), "entries %lld to %lld are missing: they were deleted",
			         (long long)from, (long long)to);
		break;
	case AUDIT_EDITED:
		snprintf(text, sizeof(text), "entry %lld was changed after it was written: its hash does "
		         "not follow from its contents and the entry before it", (long long)from);
		break;
	case AUDIT_REWRITTEN:
		snprintf(text, sizeof(text), "entry %lld is not the one a checkpoint in the log saw: the "
		         "trail was rewritten from there or before", (long long)from);
		break;
	case AUDIT_TRUNCATED:
	default:
		snprintf(text, sizeof(text), "the trail ends at entry %lld, but a checkpoint in the log "
		         "saw entry %lld: the entries after %lld were removed", (long long)from,
		         (long long)to, (long long)from);
		break;
	}
	if (s->fn)
		s->fn(s->arg, p, from, to, text);
}

static int
verify_one(void *arg, const struct store_audit *e)
{
	struct vstate *s = arg;
	unsigned char h[32];

	s->v->entries++;
	if (e->seq != s->expect) {
		/* A gap: the link across it cannot be checked; go on from here. */
		problem(s, AUDIT_MISSING, s->expect, e->seq - 1);
	} else {
		audit_link(s->key, s->prev, e, h);
		if (sodium_memcmp(h, e->hash, 32) != 0)
			problem(s, AUDIT_EDITED, e->seq, e->seq);
	}
	while (s->icp < s->ncp && s->cps[s->icp].seq <= e->seq) {
		if (s->cps[s->icp].seq == e->seq) {
			s->v->checkpoints++;
			if (sodium_memcmp(s->cps[s->icp].hash, e->hash, 32) != 0)
				problem(s, AUDIT_REWRITTEN, e->seq, e->seq);
		}
		s->icp++;
	}
	memcpy(s->prev, e->hash, 32);
	s->expect = e->seq + 1;
	s->v->head = e->seq;
	memcpy(s->v->head_hash, e->hash, 32);
	return 0;
}

int
audit_verify(struct services *sv, const struct audit_check *cps, int n, struct audit_verdict *v,
             audit_problem_fn fn, void *arg)
{
	struct vstate *s = calloc(1, sizeof(*s));
	int rc;

	memset(v, 0, sizeof(*v));
	if (!s || (n > 0 && !(s->cps = malloc((size_t)n * sizeof(*cps))))) {
		free(s);
		store_error("out of memory");
		return -1;
	}
	if (n > 0) {
		memcpy(s->cps, cps, (size_t)n * sizeof(*cps));
		qsort(s->cps, (size_t)n, sizeof(*cps), check_cmp);
	}
	s->ncp = n;
	s->expect = 1;
	s->v = v;
	s->fn = fn;
	s->arg = arg;
	seal_derive(sv, "audit", s->key);
	rc = STORE_CALL(sv->store, audit_scan, 0, verify_one, s);
	if (rc == 0 && s->ncp > 0 && s->cps[s->ncp - 1].seq > v->head)
		problem(s, AUDIT_TRUNCATED, v->head, s->cps[s->ncp - 1].seq);
	sodium_memzero(s->key, sizeof(s->key));
	free(s->cps);
	free(s);
	return rc ? -1 : 0;
}

/* ----------------------------------------------------------------------
 * What a person sees
 * ---------------------------------------------------------------------- */

struct collect {
	struct arena *a;
	struct store_audit *v;
	int n, cap, err;
};

static int
collect_one(void *arg, const struct store_audit *e)
{
	struct collect *c = arg;
	struct store_audit *slot = arena_grow(c->a, &c->v, &c->n, &c->cap, sizeof(*slot), 16);

	if (!slot) {
		c->err = 1;
		return 1;
	}
	*slot = *e;
	return 0;
}

/* The detail of e, opened: the actor and the record. */
struct detail {
	int64_t actor, subject;
	enum acct_role role;
	char tid[72], record[160];
};

static int
detail_open(struct ctx *cx, const struct store_audit *e, struct detail *d)
{
	struct buf out = BUF_INIT;
	char *f[6], *p;
	int i;

	memset(d, 0, sizeof(*d));
	if (seal_open(cx, "audit", "detail", e->rk, sizeof(e->rk), e->detail, e->detail_n, &out,
	              NULL) != SEAL_OK || !out.p)
		return -1;
	p = out.p;
	for (i = 0; i < 6; i++) {
		f[i] = p;
		p = i < 5 ? strchr(p, '\t') : NULL;
		if (i < 5 && !p) {
			buf_free(&out);
			return -1;
		}
		if (p)
			*p++ = '\0';
	}
	d->actor = strtoll(f[1], NULL, 10);
	d->role = role_parse(f[2]);
	snprintf(d->tid, sizeof(d->tid), "%s", f[3]);
	d->subject = strtoll(f[4], NULL, 10);
	snprintf(d->record, sizeof(d->record), "%s", f[5]);
	buf_free(&out);
	return 0;
}

/* A sentence in the call's arena; NULL when out of memory. */
static const char *say(struct ctx *cx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *
say(struct ctx *cx, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	char *out;

	va_start(ap, fmt);
	if (buf_vprintf(&b, fmt, ap)) {
		va_end(ap);
		return NULL;
	}
	va_end(ap);
	out = arena_strdup(cx->a, b.p ? b.p : "");
	buf_free(&b);
	return out;
}

/* Who did it, as the subject reads it. */
static const char *
actor_words(struct ctx *cx, const struct actor *who, const struct store_audit *e,
            const struct detail *d)
{
	const char *role;

	if (d->actor == who->id)
		return "You";
	if (d->role == ACCT_ADMIN)
		return "A chiron administrator";
	if (d->tid[0]) {
		role = strcmp(e->what, "request") == 0 ? "the therapist you wrote to" :
		       strcmp(e->what, "appointment") == 0 || strcmp(e->what, "feed") == 0 ||
		       strcmp(e->what, "series") == 0 || strncmp(e->what, "session-", 8) == 0 ?
		       "your therapist" : "a therapist";
		return say(cx, "%s (%s)", listing_display_name(cx, d->tid), role);
	}
	if (d->actor == 0)
		return "Someone";
	return "Another member of chiron";
}

/* The sentence for entry e about who's data. */
static const char *
sentence(struct ctx *cx, const struct actor *who, const struct store_audit *e, const struct detail *d)
{
	static const struct { const char *what, *did; } admin_did[] = {
		{"claim-code", "sent a code to your practice's address, to check your claim"},
		{"claim-verify", "verified your claim of a listing"},
		{"claim-reject", "turned down your claim of a listing"},
		{"claims", "looked at your claim of a listing in the queue"},
		{"listing-hide", "hid your listing"},
		{"listing-show", "showed your listing again"},
		{"listing-remove", "removed your listing"},
	};
	enum audit_kind k = audit_kind_parse(e->kind);
	const char *a = actor_words(cx, who, e, d);
	size_t i;

	switch (k) {
	case AUDIT_SIGNIN:
		return "Your account was signed into";
	case AUDIT_SIGNIN_FAILED:
		return "Someone tried to sign in to your account with a wrong password";
	case AUDIT_SIGNOUT:
		return strcmp(d->record, "everywhere") == 0 ? "Your account was signed out everywhere" :
		       "Your account was signed out";
	case AUDIT_PASSWORD:
		return "The password of your account was changed";
	case AUDIT_SECOND_FACTOR:
		return "The second factor of your account was changed";
	case AUDIT_EXPORT:
		return say(cx, "%s exported your data", a);
	case AUDIT_ERASE:
		return say(cx, "%s erased your data", a);
	case AUDIT_READ:
		if (strcmp(e->what, "request") == 0)
			return say(cx, "%s read your consultation request", a);
		if (strcmp(e->what, "appointment") == 0)
			return say(cx, "%s saw your sessions in their schedule", a);
		if (strcmp(e->what, "series") == 0)
			return say(cx, "%s saw your weekly sessions in their schedule", a);
		if (strcmp(e->what, "feed") == 0)
			return say(cx, "%s's calendar app read your sessions from their calendar feed", a);
		if (strcmp(e->what, "claims") == 0)
			return say(cx, "%s looked at your claim of a listing", a);
		return say(cx, "%s looked at your %s", a, e->what);
	case AUDIT_WRITE:
		if (strcmp(e->what, "request") == 0)
			return say(cx, "%s answered your consultation request", a);
		if (strcmp(e->what, "session-cancel") == 0)
			return say(cx, "%s cancelled one of your sessions", a);
		if (strcmp(e->what, "session-move") == 0)
			return say(cx, "%s moved one of your sessions", a);
		return say(cx, "%s changed your %s", a, e->what);
	case AUDIT_ADMIN:
		for (i = 0; i < sizeof(admin_did) / sizeof(admin_did[0]); i++)
			if (strcmp(e->what, admin_did[i].what) == 0)
				return say(cx, "%s %s", a, admin_did[i].did);
		return say(cx, "%s took an administrator's action on your account", a);
	default:
		return say(cx, "%s: %s", a, e->kind);
	}
}

int
audit_activity(struct ctx *cx, const struct actor *who, int64_t before, struct audit_seen **out,
               int *n, int64_t *next, struct refusal *why)
{
	struct collect c = {cx->a, NULL, 0, 0, 0};
	unsigned char blind[32];
	int i;

	*out = NULL;
	*n = 0;
	*next = 0;
	if (!who->id)
		return refuse(why, 401, "", "sign in to see who used your data");
	subject_blind(cx, who->id, blind);
	/* Read all first, open after: the store's callbacks hold its lock. */
	if (STORE_CALL(cx->sv->store, audit_of_subject, blind, before, AUDIT_ACTIVITY_PAGE + 1,
	               collect_one, &c) || c.err)
		return -1;
	if (c.n > AUDIT_ACTIVITY_PAGE) {
		c.n = AUDIT_ACTIVITY_PAGE;
		*next = c.v[c.n - 1].seq;
	}
	if (c.n && !(*out = arena_calloc(cx->a, (size_t)c.n, sizeof(**out))))
		return -1;
	for (i = 0; i < c.n; i++) {
		struct detail d;
		struct audit_seen *s = &(*out)[i];

		s->seq = c.v[i].seq;
		s->at = c.v[i].at;
		s->kind = audit_kind_parse(c.v[i].kind);
		/* A detail that does not open (its key destroyed) still says when
		 * and what, with no one named. */
		if (detail_open(cx, &c.v[i], &d) || d.subject != who->id)
			memset(&d, 0, sizeof(d));       /* "Someone" */
		s->text = sentence(cx, who, &c.v[i], &d);
		if (!s->text)
			return -1;
	}
	*n = c.n;
	return 0;
}

/* ----------------------------------------------------------------------
 * The whole trail, for an administrator
 * ---------------------------------------------------------------------- */

#define LIST_BATCH 256

struct batch {
	struct store_audit *v;
	int n;
};

static int
batch_one(void *arg, const struct store_audit *e)
{
	struct batch *b = arg;

	b->v[b->n++] = *e;
	return b->n == LIST_BATCH;      /* full: stop, and come back after it */
}

int
audit_list(struct ctx *cx, const struct actor *who, int64_t after, audit_opened_fn fn, void *arg,
           struct refusal *why)
{
	struct batch b = {malloc(LIST_BATCH * sizeof(struct store_audit)), 0};
	int i, rc = 0, stop = 0;

	if (who->role != ACCT_ADMIN) {
		free(b.v);
		return refuse(why, 403, "", "only an administrator may read the audit trail");
	}
	if (!b.v)
		return -1;
	/* In batches: the store's callbacks hold its lock, and opening a
	 * detail may read a data key from the store. */
	do {
		b.n = 0;
		if (STORE_CALL(cx->sv->store, audit_scan, after, batch_one, &b)) {
			rc = -1;
			break;
		}
		for (i = 0; i < b.n && !stop; i++) {
			const struct store_audit *e = &b.v[i];
			struct audit_opened o;
			struct detail d;
			static const char hexd[] = "0123456789abcdef";
			int k;

			memset(&o, 0, sizeof(o));
			o.seq = e->seq;
			o.at = e->at;
			o.kind = e->kind;
			o.what = e->what;
			o.opened = detail_open(cx, e, &d) == 0;
			if (!o.opened)
				memset(&d, 0, sizeof(d));
			o.actor = d.actor;
			o.role = d.role == ACCT_NONE ? "" : role_name(d.role);
			o.listing = d.tid;
			o.subject = d.subject;
			o.record = d.record;
			for (k = 0; k < 16; k++)
				o.has_addr |= e->addr[k];
			for (k = 0; k < 8; k++) {
				o.addr[2 * k] = hexd[e->addr[k] >> 4];
				o.addr[2 * k + 1] = hexd[e->addr[k] & 15];
			}
			o.addr[16] = '\0';
			stop = fn(arg, &o);
			after = e->seq;
		}
	} while (!stop && b.n == LIST_BATCH);
	free(b.v);
	return rc;
}
