/*
 * mailer.c: the outbox sent by SMTP, through libcurl (see mailer.h).
 *
 * Design notes.
 *
 * 1. The store is the queue. The sender keeps nothing between passes:
 *    each pass asks the store for the messages due now (outbox_pending,
 *    which applies the back-off), sends them one by one and records each
 *    outcome before the next. A crash loses at most the outcome of the
 *    message in flight, which is then sent again (same Message-ID).
 *
 * 2. One thread, woken by a condition variable: mailer_wake() (after the
 *    web writes a message) sets `kicked`, the minute's timeout (or the
 *    retry base, when shorter) does the rest. `kicked` is set under the
 *    lock, so a message written while a pass runs is picked up by the
 *    next pass, not lost.
 *
 * 3. Stopping: mailer_stop() sets `stop` under the lock and signals. The
 *    thread checks it between messages, and libcurl's progress callback
 *    checks it during a transfer (about once a second), so a hung server
 *    does not hold up the shutdown. An abandoned message is not counted
 *    as a failure.
 *
 * 4. Security: the URL must be smtp:// or smtps:// (libcurl is also told
 *    to speak nothing else), may not carry credentials, and smtp:// must
 *    upgrade with STARTTLS unless the operator says --smtp-insecure; the
 *    certificate is always verified. The password comes from the
 *    environment, is copied here, never logged, and wiped at the end.
 *    Addresses with CR, LF or anything that would reshape an SMTP command
 *    or a header are refused, and so is a subject with CR or LF: such a
 *    message is given up at once, not retried.
 *
 * 5. The local transport (--mail-dir, for development and tests) is the
 *    same loop with transfer() replaced by deliver_file(): each message
 *    becomes DIR/<id>.eml, mode 0600, written under a temporary name and
 *    renamed, so a reader never sees half a message. The store marks it
 *    sent, and erases it, as after SMTP.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "app/mailer.h"

/* How many messages one look at the store takes. */
#define BATCH 16
/* The sender looks at the store at least this often (seconds). */
#define POLL_SECONDS 60

/* ----------------------------------------------------------------------
 * The message
 * ---------------------------------------------------------------------- */

const char *
mail_strerror(enum mail_err e)
{
	switch (e) {
	case MAIL_OK: return "ok";
	case MAIL_BAD_FROM: return "the From address is not a plain address";
	case MAIL_BAD_TO: return "the recipient is not a plain address";
	case MAIL_BAD_SUBJECT: return "the subject has a line break";
	case MAIL_NOMEM: return "out of memory";
	}
	return "unknown error";
}

int
mail_address_ok(const char *a)
{
	const char *at = strchr(a, '@');
	size_t n = strlen(a), i;

	if (!at || at == a || !at[1] || strchr(at + 1, '@') || n > 254)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)a[i];

		if (c <= ' ' || c >= 0x7f || strchr("\"<>()[],;:\\", c))
			return 0;
	}
	return 1;
}

enum mail_err
mail_from_address(const char *from, char *out, size_t n)
{
	const char *lt = strrchr(from, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	size_t len;

	if (strpbrk(from, "\r\n"))
		return MAIL_BAD_FROM;
	if (!lt) {
		len = strlen(from);
	} else {
		if (!gt || gt[1])
			return MAIL_BAD_FROM;
		from = lt + 1;
		len = (size_t)(gt - from);
	}
	if (len + 1 > n)
		return MAIL_BAD_FROM;
	memcpy(out, from, len);
	out[len] = '\0';
	return mail_address_ok(out) ? MAIL_OK : MAIL_BAD_FROM;
}

/* True when s (n bytes) may stand in a header as it is: printable ASCII. */
static int
plain_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || (unsigned char)s[i] >= 0x7f)
			return 0;
	return !memmem(s, n, "=?", 2);  /* would read as an encoded-word */
}

/*
 * Appends s (n bytes of UTF-8) as RFC 2047 encoded-words, "=?UTF-8?B?..?=",
 * folded onto continuation lines. Each word holds at most 39 bytes (52
 * base64 characters, 64 in all, so a line stays under 76) and is cut
 * between characters, never inside one: a decoder may decode each word
 * on its own.
 */
static int
encoded_words(struct buf *b, const char *s, size_t n)
{
	char b64[64];
	size_t i = 0, k;

	while (i < n) {
		k = n - i < 39 ? n - i : 39;
		while (k > 1 && i + k < n && ((unsigned char)s[i + k] & 0xc0) == 0x80)
			k--;            /* do not start the next word on a continuation byte */
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s + i, k,
		                  sodium_base64_VARIANT_ORIGINAL);
		if ((i > 0 && buf_adds(b, "\r\n ")) || buf_printf(b, "=?UTF-8?B?%s?=", b64))
			return -1;
		i += k;
	}
	return 0;
}

/* Appends an unstructured header value (the subject). */
static int
unstructured(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (plain_ascii(s, n) && n <= 900)
		return buf_add(b, s, n);
	return encoded_words(b, s, n);
}

/* Appends a display name: as it is, quoted, or encoded, as it needs. */
static int
phrase(struct buf *b, const char *s, size_t n)
{
	size_t i;
	int special = 0;

	if (!plain_ascii(s, n) || n > 200)
		return encoded_words(b, s, n);
	for (i = 0; i < n; i++)
		special |= strchr("()<>[]:;@\\,.\"", s[i]) != NULL;
	if (!special)
		return buf_add(b, s, n);
	if (buf_addc(b, '"'))
		return -1;
	for (i = 0; i < n; i++)
		if (((s[i] == '"' || s[i] == '\\') && buf_addc(b, '\\')) || buf_addc(b, s[i]))
			return -1;
	return buf_addc(b, '"');
}

/* Appends the From header's value: "Name <addr>" or "addr". */
static int
from_value(struct buf *b, const char *from, const char *addr)
{
	const char *lt = strrchr(from, '<');
	size_t n;

	if (!lt)
		return buf_adds(b, addr);
	for (n = (size_t)(lt - from); n > 0 && (from[n - 1] == ' ' || from[n - 1] == '\t'); n--)
		;
	while (n > 0 && (*from == ' ' || *from == '\t')) {
		from++;
		n--;
	}
	if (n == 0)
		return buf_printf(b, "<%s>", addr);
	return phrase(b, from, n) || buf_printf(b, " <%s>", addr);
}

/* RFC 5322 date-time in UTC, in English whatever the locale. */
static int
date_value(struct buf *b, int64_t t)
{
	static const char day[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char mon[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		return -1;
	return buf_printf(b, "%s, %02d %s %04d %02d:%02d:%02d +0000", day[tm.tm_wday],
	                  tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
	                  tm.tm_min, tm.tm_sec);
}

/*
 * Calls line(b, s, n) for each line of body (without its break: CRLF, LF
 * or a lone CR), the last one only when it is not empty.
 */
static int
each_line(struct buf *b, const char *body, int (*line)(struct buf *, const char *, size_t))
{
	const char *p = body;

	while (*p) {
		size_t n = strcspn(p, "\r\n");

		if (line(b, p, n))
			return -1;
		p += n;
		if (p[0] == '\r' && p[1] == '\n')
			p += 2;
		else if (*p)
			p++;
	}
	return 0;
}

static int
line_7bit(struct buf *b, const char *s, size_t n)
{
	return buf_add(b, s, n) || buf_add(b, "\r\n", 2);
}

/*
 * One line in quoted-printable (RFC 2045 6.7): printable ASCII as it
 * is but '=', every other byte as =XX, a space or tab before the line's
 * end encoded too, and soft breaks ("=" CRLF) keeping lines to 76.
 */
static int
line_qp(struct buf *b, const char *s, size_t n)
{
	size_t i, col = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char tok[4];
		size_t len;

		if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && i + 1 < n)) {
			tok[0] = (char)c;
			len = 1;
		} else {
			snprintf(tok, sizeof(tok), "=%02X", c);
			len = 3;
		}
		if (col + len > 75) {
			if (buf_add(b, "=\r\n", 3))
				return -1;
			col = 0;
		}
		if (buf_add(b, tok, len))
			return -1;
		col += len;
	}
	return buf_add(b, "\r\n", 2);
}

/* True when body can go as 7bit: ASCII, no controls, lines under 998 bytes. */
static int
body_7bit(const char *body)
{
	size_t col = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)body; *p; p++) {
		if (*p == '\r' || *p == '\n') {
			col = 0;
			continue;
		}
		if (*p >= 0x7f || (*p < ' ' && *p != '\t') || ++col > 998)
			return 0;
	}
	return 1;
}

enum mail_err
mail_compose(struct buf *out, const char *from, const char *to, const char *subject,
             const char *body, int64_t id, int64_t date)
{
	char addr[256];
	const char *domain;
	int qp = !body_7bit(body);
	enum mail_err e = mail_from_address(from, addr, sizeof(addr));

	if (e)
		return e;
	if (!mail_address_ok(to))
		return MAIL_BAD_TO;
	if (strpbrk(subject, "\r\n"))
		return MAIL_BAD_SUBJECT;
	domain = strchr(addr, '@') + 1;
	if (buf_adds(out, "Date: ") || date_value(out, date) ||
	    buf_adds(out, "\r\nFrom: ") || from_value(out, from, addr) ||
	    buf_printf(out, "\r\nTo: %s\r\nSubject: ", to) || unstructured(out, subject) ||
	    buf_printf(out, "\r\nMessage-ID: <chiron.%lld.%lld@%s>\r\n", (long long)id,
	               (long long)date, domain) ||
	    buf_adds(out, "MIME-Version: 1.0\r\n"
	                  "Content-Type: text/plain; charset=utf-8\r\n"
	                  "Content-Transfer-Encoding: ") ||
	    buf_adds(out, qp ? "quoted-printable\r\n\r\n" : "7bit\r\n\r\n") ||
	    each_line(out, body, qp ? line_qp : line_7bit))
		return MAIL_NOMEM;
	return MAIL_OK;
}

/* ----------------------------------------------------------------------
 * The sender
 * ---------------------------------------------------------------------- */

struct mailer {
	struct store *st;
	CURL *curl;                     /* the sender thread's only, after start; NULL with dir */
	char *url, *from, *user, *password;
	char *dir;                      /* --mail-dir: files instead of SMTP, or NULL */
	char envelope[260];             /* <the From address>, for MAIL FROM */
	long retry_base;
	struct clock *clock;            /* NULL: the system's time */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;            /* CLOCK_MONOTONIC */
	int kicked, stop;               /* under lock */
	char errbuf[CURL_ERROR_SIZE];
};

/* Now, from the server's clock (a test moves it: ctx.h). */
static int64_t
mailer_now(struct mailer *m)
{
	return m->clock ? clock_now(m->clock) : (int64_t)time(NULL);
}

static int
stopping(struct mailer *m)
{
	int s;

	pthread_mutex_lock(&m->lock);
	s = m->stop;
	pthread_mutex_unlock(&m->lock);
	return s;
}

/* libcurl's progress callback: non-zero abandons the transfer. */
static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
            curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return stopping(arg);
}

struct upload {
	const char *p;
	size_t left;
};

static size_t
on_read(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb < u->left ? size * nmemb : u->left;

	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

enum outcome { SENT, FAILED, STOPPED };

/* Writes msg (len bytes) to m->dir as <id>.eml, atomically, mode 0600. */
static enum outcome
deliver_file(struct mailer *m, int64_t id, const char *msg, size_t len, char *why, size_t n)
{
	char tmp[4200], path[4200];
	size_t off = 0;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/.%lld.eml.tmp", m->dir, (long long)id);
	snprintf(path, sizeof(path), "%s/%lld.eml", m->dir, (long long)id);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, n, "%s: %s", tmp, strerror(errno));
		return FAILED;
	}
	while (off < len) {
		ssize_t w = write(fd, msg + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(why, n, "%s: %s", tmp, w < 0 ? strerror(errno) : "short write");
			close(fd);
			unlink(tmp);
			return FAILED;
		}
		off += (size_t)w;
	}
	if (fchmod(fd, 0600) != 0 || fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		snprintf(why, n, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return FAILED;
	}
	return SENT;
}

/*
 * Sends msg (len bytes) to `to`. On FAILED, why (n bytes) says what
 * libcurl and the server said.
 */
static enum outcome
transfer(struct mailer *m, const char *to, const char *msg, size_t len, char *why, size_t n)
{
	struct upload up = {msg, len};
	struct curl_slist *rcpt;
	char addr[260];
	long code = 0;
	CURLcode rc;

	snprintf(addr, sizeof(addr), "<%s>", to);
	rcpt = curl_slist_append(NULL, addr);
	if (!rcpt) {
		snprintf(why, n, "out of memory");
		return FAILED;
	}
	m->errbuf[0] = '\0';
	curl_easy_setopt(m->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(m->curl, CURLOPT_READDATA, &up);
	curl_easy_setopt(m->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	rc = curl_easy_perform(m->curl);
	curl_easy_setopt(m->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpt);
	if (rc == CURLE_OK)
		return SENT;
	if (rc == CURLE_ABORTED_BY_CALLBACK && stopping(m))
		return STOPPED;
	curl_easy_getinfo(m->curl, CURLINFO_RESPONSE_CODE, &code);
	snprintf(why, n, "%s%s%s", curl_easy_strerror(rc), m->errbuf[0] ? ": " : "", m->errbuf);
	if (code)
		snprintf(why + strlen(why), n - strlen(why), " (last reply %ld)", code);
	return FAILED;
}

struct pass {
	struct mailer *m;
	int n;                          /* messages seen */
	int store_failed;
};

/* The store's callback: one due message, sent and its outcome recorded. */
static int
send_one(void *arg, const struct store_mail *ml)
{
	struct pass *p = arg;
	struct mailer *m = p->m;
	struct buf msg = BUF_INIT;
	int64_t now = mailer_now(m);
	enum mail_err e;
	char why[CURL_ERROR_SIZE + 128];
	int rc = 0;

	if (stopping(m))
		return 1;
	p->n++;
	if (ml->attempts == 0 && now - ml->created_at > MAILER_MAX_AGE) {
		rc = STORE_CALL(m->st, outbox_give_up, ml->id, "not sent: queued more than a day "
		                "before delivery started", now);
		fprintf(stderr, "chiron: outbox %lld: too old, not sent\n", (long long)ml->id);
		goto out;
	}
	e = mail_compose(&msg, m->from, ml->to, ml->subject, ml->body, ml->id, ml->created_at);
	if (e) {
		snprintf(why, sizeof(why), "refused: %s", mail_strerror(e));
		rc = e == MAIL_NOMEM ? STORE_CALL(m->st, outbox_failed, ml->id, why, now)
		                     : STORE_CALL(m->st, outbox_give_up, ml->id, why, now);
		fprintf(stderr, "chiron: outbox %lld: %s\n", (long long)ml->id, why);
		goto out;
	}
	switch (m->dir ? deliver_file(m, ml->id, msg.p, msg.len, why, sizeof(why))
	               : transfer(m, ml->to, msg.p, msg.len, why, sizeof(why))) {
	case SENT:
		rc = STORE_CALL(m->st, outbox_sent, ml->id, mailer_now(m));
		fprintf(stderr, "chiron: outbox %lld: sent\n", (long long)ml->id);
		break;
	case FAILED:
		rc = STORE_CALL(m->st, outbox_failed, ml->id, why, mailer_now(m));
		fprintf(stderr, "chiron: outbox %lld: try %d of %d failed: %s\n", (long long)ml->id,
		        ml->attempts + 1, STORE_OUTBOX_MAX_ATTEMPTS, why);
		break;
	case STOPPED:
		buf_free(&msg);
		return 1;
	}
out:
	buf_free(&msg);
	if (rc) {
		fprintf(stderr, "chiron: outbox %lld: %s\n", (long long)ml->id, store_errmsg(m->st));
		p->store_failed = 1;
		return 1;
	}
	return 0;
}

/* Sends everything due now, a batch at a time. */
static void
deliver_due(struct mailer *m)
{
	struct pass p = {m, 0, 0};

	do {
		p.n = 0;
		if (STORE_CALL(m->st, outbox_pending, mailer_now(m), (int64_t)m->retry_base,
		               BATCH, send_one, &p) < 0) {
			fprintf(stderr, "chiron: outbox: %s\n", store_errmsg(m->st));
			return;
		}
	} while (p.n == BATCH && !p.store_failed && !stopping(m));
}

static void *
mailer_run(void *arg)
{
	struct mailer *m = arg;
	long poll = m->retry_base < POLL_SECONDS ? m->retry_base : POLL_SECONDS;

	pthread_mutex_lock(&m->lock);
	while (!m->stop) {
		struct timespec until;

		m->kicked = 0;
		pthread_mutex_unlock(&m->lock);
		deliver_due(m);
		pthread_mutex_lock(&m->lock);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += poll;
		while (!m->stop && !m->kicked)
			if (pthread_cond_timedwait(&m->wake, &m->lock, &until) == ETIMEDOUT)
				break;
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

void
mailer_wake(struct mailer *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->kicked = 1;
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->lock);
}

/* ----------------------------------------------------------------------
 * Starting and stopping
 * ---------------------------------------------------------------------- */

int
mailer_check(const struct mailer_config *c, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL, *pw = NULL, addr[256];
	int rc = -1;

	if (c->dir && c->dir[0]) {
		curl_url_cleanup(u);
		if (c->url && c->url[0]) {
			snprintf(err, errlen, "--mail-dir and --smtp: choose one (--mail-dir keeps the "
			         "mail in files, for development; --smtp sends it)");
			return -1;
		}
		if (c->from && c->from[0] && mail_from_address(c->from, addr, sizeof(addr))) {
			snprintf(err, errlen, "--smtp-from: expected addr@domain or Name <addr@domain>");
			return -1;
		}
		return 0;
	}
	if (!u) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* The URL is not repeated in these messages: it may hold a secret. */
	if (curl_url_set(u, CURLUPART_URL, c->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		snprintf(err, errlen, "--smtp: expected smtp://HOST[:PORT] or smtps://HOST[:PORT]");
		goto out;
	}
	if (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0) {
		snprintf(err, errlen, "--smtp: the scheme must be smtp (STARTTLS) or smtps, not %.16s",
		         scheme);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK) {
		snprintf(err, errlen, "--smtp: no credentials in the URL: the user goes in "
		         "--smtp-user, the password in CHIRON_SMTP_PASSWORD");
		goto out;
	}
	if (!c->from || !c->from[0]) {
		snprintf(err, errlen, "--smtp needs --smtp-from ADDRESS");
		goto out;
	}
	if (mail_from_address(c->from, addr, sizeof(addr))) {
		snprintf(err, errlen, "--smtp-from \"%.300s\": expected addr@domain or "
		         "Name <addr@domain>", strpbrk(c->from, "\r\n") ? "(line break)" : c->from);
		goto out;
	}
	if (c->user && c->user[0] && (!c->password || !c->password[0])) {
		snprintf(err, errlen, "--smtp-user needs the password in CHIRON_SMTP_PASSWORD");
		goto out;
	}
	if (c->retry_base < 1) {
		snprintf(err, errlen, "--smtp-retry-base: at least 1 second");
		goto out;
	}
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	if (pw)
		sodium_memzero(pw, strlen(pw));
	curl_free(pw);
	curl_url_cleanup(u);
	return rc;
}

static void
mailer_free(struct mailer *m)
{
	if (m->curl)
		curl_easy_cleanup(m->curl);
	if (m->password)
		sodium_memzero(m->password, strlen(m->password));
	free(m->password);
	free(m->url);
	free(m->from);
	free(m->user);
	free(m->dir);
	pthread_cond_destroy(&m->wake);
	pthread_mutex_destroy(&m->lock);
	free(m);
	curl_global_cleanup();
}

/* The options every transfer shares. Returns 0 or a libcurl error. */
static CURLcode
setup(struct mailer *m, int insecure)
{
	CURL *c = m->curl;
	int smtps = strncmp(m->url, "smtps:", 6) == 0;
	CURLcode rc;

	if ((rc = curl_easy_setopt(c, CURLOPT_URL, m->url)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps")) ||
	    (rc = curl_easy_setopt(c, CURLOPT_USE_SSL, smtps || !insecure ? (long)CURLUSESSL_ALL
	                                                                 : (long)CURLUSESSL_TRY)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_MAIL_FROM, m->envelope)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_UPLOAD, 1L)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_XFERINFODATA, m)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_MAXAGE_CONN, 30L)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_ERRORBUFFER, m->errbuf)))
		return rc;
	if (m->user && (rc = curl_easy_setopt(c, CURLOPT_USERNAME, m->user)))
		return rc;
	if (m->user && (rc = curl_easy_setopt(c, CURLOPT_PASSWORD, m->password)))
		return rc;
	return CURLE_OK;
}

struct mailer *
mailer_start(struct store *st, const struct mailer_config *c, char *err, size_t errlen)
{
	struct mailer *m;
	pthread_condattr_t ca;
	CURLcode rc;

	if (mailer_check(c, err, errlen))
		return NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl could not start");
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		curl_global_cleanup();
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->st = st;
	m->retry_base = c->retry_base;
	m->clock = c->clock;
	pthread_mutex_init(&m->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&m->wake, &ca);
	pthread_condattr_destroy(&ca);
	m->url = strdup(c->url ? c->url : "");
	m->from = strdup(c->from && c->from[0] ? c->from : "chiron <chiron@localhost>");
	if (c->dir && c->dir[0]) {
		m->dir = strdup(c->dir);
		if (!m->dir) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		if (mkdir(m->dir, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "--mail-dir %s: %s", m->dir, strerror(errno));
			goto fail;
		}
	}
	if (c->user && c->user[0]) {
		m->user = strdup(c->user);
		m->password = strdup(c->password);
	}
	{
		char addr[256];

		mail_from_address(m->from, addr, sizeof(addr));   /* checked above */
		snprintf(m->envelope, sizeof(m->envelope), "<%s>", addr);
	}
	if (!m->dir)
		m->curl = curl_easy_init();
	if (!m->url || !m->from || (c->user && c->user[0] && (!m->user || !m->password)) ||
	    (!m->dir && !m->curl)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	rc = m->dir ? CURLE_OK : setup(m, c->insecure);
	if (rc) {
		snprintf(err, errlen, "--smtp: libcurl: %s", curl_easy_strerror(rc));
		goto fail;
	}
	if (pthread_create(&m->thread, NULL, mailer_run, m) != 0) {
		snprintf(err, errlen, "cannot start the mail sender thread");
		goto fail;
	}
	return m;
fail:
	mailer_free(m);
	return NULL;
}

void
mailer_stop(struct mailer *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->stop = 1;
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	mailer_free(m);
}
