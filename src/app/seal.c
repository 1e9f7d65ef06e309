/*
 * seal.c: the key file, data keys and sealed values (seal.h).
 *
 * The key file. Either 32 bytes, the mail key of chiron before issue 11,
 * read as master key 1; or the magic "CHIRONK1" followed by entries of a
 * 4-byte big-endian number and 32 key bytes, the last the current one.
 * It is written whole to FILE.tmp (0600, O_EXCL), synced, and renamed
 * over the old, so a crash leaves the old file or the new one.
 *
 * A wrapped data key: nonce (24) | XChaCha20-Poly1305 of the 32 key bytes
 * under a master key, the associated data "chiron/dkey#" + the data key's
 * number + the master key's number (big-endian), so a wrapped key moved to
 * another number, or said to be under another master key, does not open.
 *
 * The cache. Unwrapped data keys are kept, in memory that libsodium locks
 * and guards (sodium_malloc), in an open-addressed table of CACHE_SLOTS
 * slots; when it is three-quarters full it is wiped and starts again (an
 * unwrap costs about a microsecond: simple beats clever here). A destroyed
 * key is removed at once. The lock is never held across a store call: a
 * caller inside store_begin holds the store's lock, and another thread
 * holding ours while waiting for the store's would deadlock.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "app/ctx.h"
#include "app/seal.h"
#include "core/buf.h"
#include "store/store.h"

#define MAGIC "CHIRONK1"
#define MAGIC_N 8
#define ENTRY_N (4 + SEAL_KEY_BYTES)
#define MASTERS_MAX 16
#define WRAPPED_N (crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + SEAL_KEY_BYTES + \
                   crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define CACHE_SLOTS 8192
#define NONCE_N crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_N crypto_aead_xchacha20poly1305_ietf_ABYTES
#define USER_KID_MIN ((int64_t)1 << 32)

_Static_assert(SEAL_OVERHEAD == 1 + 8 + NONCE_N + TAG_N, "the blob's layout");

struct master {
	uint32_t id;
	unsigned char k[SEAL_KEY_BYTES];
};

struct ring {
	struct master m[MASTERS_MAX];
	int n;
	int legacy;                     /* read from a 32-byte mail key */
};

struct slot {
	int64_t kid;                    /* 0: empty */
	unsigned char k[SEAL_KEY_BYTES];
};

struct sealer {
	pthread_mutex_t lock;
	struct store *st;
	char path[1024];
	struct ring *ring;              /* sodium_malloc'd */
	struct slot *cache;             /* sodium_malloc'd, CACHE_SLOTS */
	int cached;
	unsigned char blind[SEAL_KEY_BYTES];    /* the blind index's key, derived at start */
	atomic_long seals, opens, unwraps, hits;
};

/* ----------------------------------------------------------------------
 * The key file
 * ---------------------------------------------------------------------- */

void
seal_key_path_default(const char *db, char *out, size_t n)
{
	const char *slash = strrchr(db, '/');

	snprintf(out, n, "%.*schiron.key", slash ? (int)(slash - db + 1) : 0, db);
}

static void
be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static void
be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Reads the key file at path into r; -1 with the reason, ENOENT in *missing. */
static int
ring_read(const char *path, struct ring *r, int *missing, char *err, size_t errlen)
{
	unsigned char buf[MAGIC_N + MASTERS_MAX * ENTRY_N + 1];
	struct stat sb;
	ssize_t got;
	size_t n = 0;
	int fd;

	*missing = 0;
	memset(r, 0, sizeof(*r));
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		*missing = errno == ENOENT;
		snprintf(err, errlen, "%s: cannot read the key file: %s%s", path, strerror(errno),
		         errno == ELOOP ? " (a symbolic link is not accepted)" : "");
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: the key file must be a plain file", path);
		goto fail;
	}
	if (sb.st_mode & 077) {
		snprintf(err, errlen, "%s: the key file can be read by others (mode %04o); make it "
		         "private with: chmod 600 %s", path, (unsigned)(sb.st_mode & 07777), path);
		goto fail;
	}
	while (n < sizeof(buf) && (got = read(fd, buf + n, sizeof(buf) - n)) > 0)
		n += (size_t)got;
	close(fd);
	fd = -1;
	if (n == SEAL_KEY_BYTES) {
		r->n = 1;
		r->legacy = 1;
		r->m[0].id = 1;
		memcpy(r->m[0].k, buf, SEAL_KEY_BYTES);
	} else if (n > MAGIC_N && memcmp(buf, MAGIC, MAGIC_N) == 0 &&
	           (n - MAGIC_N) % ENTRY_N == 0 && n < sizeof(buf)) {
		for (size_t off = MAGIC_N; off < n; off += ENTRY_N) {
			struct master *m = &r->m[r->n++];

			m->id = (uint32_t)buf[off] << 24 | (uint32_t)buf[off + 1] << 16 |
			        (uint32_t)buf[off + 2] << 8 | buf[off + 3];
			memcpy(m->k, buf + off + 4, SEAL_KEY_BYTES);
		}
	} else {
		snprintf(err, errlen, "%s: not a chiron key file (%zu bytes, neither a key of 32 "
		         "bytes nor a list of numbered keys)", path, n);
		sodium_memzero(buf, sizeof(buf));
		return -1;
	}
	sodium_memzero(buf, sizeof(buf));
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Writes r to path whole: FILE.tmp, synced, renamed over path. */
static int
ring_write(const char *path, const struct ring *r, char *err, size_t errlen)
{
	unsigned char buf[MAGIC_N + MASTERS_MAX * ENTRY_N];
	char tmp[1100];
	size_t n = MAGIC_N;
	int fd, rc = -1;

	memcpy(buf, MAGIC, MAGIC_N);
	for (int i = 0; i < r->n; i++, n += ENTRY_N) {
		be32(buf + n, r->m[i].id);
		memcpy(buf + n + 4, r->m[i].k, SEAL_KEY_BYTES);
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot write the key file: %s", tmp, strerror(errno));
		goto out;
	}
	if (write(fd, buf, n) != (ssize_t)n || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: cannot write the key file: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: cannot put the key file in place: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	{
		/* The rename itself, durable. */
		const char *slash = strrchr(path, '/');
		char dir[1024];
		int dfd;

		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
		if (!dir[0])
			snprintf(dir, sizeof(dir), "/");
		if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	rc = 0;
out:
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

static const struct master *
ring_find(const struct ring *r, int64_t id)
{
	for (int i = 0; i < r->n; i++)
		if (r->m[i].id == id)
			return &r->m[i];
	return NULL;
}

/* ----------------------------------------------------------------------
 * Wrapping
 * ---------------------------------------------------------------------- */

static void
wrap_ad(unsigned char ad[12 + 16], int64_t kid, uint32_t master)
{
	memcpy(ad, "chiron/dkey#", 12);
	be64(ad + 12, (uint64_t)kid);
	be32(ad + 20, master);
	memset(ad + 24, 0, 4);
}

static void
wrap(const struct master *m, int64_t kid, const unsigned char k[SEAL_KEY_BYTES],
     unsigned char out[WRAPPED_N])
{
	unsigned char ad[28];

	wrap_ad(ad, kid, m->id);
	randombytes_buf(out, NONCE_N);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + NONCE_N, NULL, k, SEAL_KEY_BYTES, ad,
	                                           sizeof(ad), NULL, out, m->k);
}

static int
unwrap(const struct master *m, int64_t kid, const unsigned char *w, size_t n,
       unsigned char k[SEAL_KEY_BYTES])
{
	unsigned char ad[28];

	if (n != WRAPPED_N)
		return -1;
	wrap_ad(ad, kid, m->id);
	return crypto_aead_xchacha20poly1305_ietf_decrypt(k, NULL, NULL, w + NONCE_N,
	                                                  n - NONCE_N, ad, sizeof(ad), w,
	                                                  m->k);
}

/* ----------------------------------------------------------------------
 * The cache of data keys
 * ---------------------------------------------------------------------- */

static size_t
slot_of(int64_t kid)
{
	uint64_t h = (uint64_t)kid * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 51) & (CACHE_SLOTS - 1);
}

static int
cache_get(struct sealer *s, int64_t kid, unsigned char k[SEAL_KEY_BYTES])
{
	int found = 0;

	pthread_mutex_lock(&s->lock);
	for (size_t i = slot_of(kid), j = 0; j < CACHE_SLOTS; i = (i + 1) & (CACHE_SLOTS - 1), j++) {
		if (s->cache[i].kid == 0)
			break;
		if (s->cache[i].kid == kid) {
			memcpy(k, s->cache[i].k, SEAL_KEY_BYTES);
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

static void
cache_put(struct sealer *s, int64_t kid, const unsigned char k[SEAL_KEY_BYTES])
{
	pthread_mutex_lock(&s->lock);
	if (s->cached >= CACHE_SLOTS * 3 / 4) {
		sodium_memzero(s->cache, CACHE_SLOTS * sizeof(*s->cache));
		s->cached = 0;
	}
	for (size_t i = slot_of(kid);; i = (i + 1) & (CACHE_SLOTS - 1)) {
		if (s->cache[i].kid == kid)
			break;
		if (s->cache[i].kid == 0) {
			s->cache[i].kid = kid;
			memcpy(s->cache[i].k, k, SEAL_KEY_BYTES);
			s->cached++;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
}

/* Empties the whole cache (a key was destroyed: linear probing has no
 * tombstones, and destroying is rare). */
static void
cache_clear(struct sealer *s)
{
	pthread_mutex_lock(&s->lock);
	sodium_memzero(s->cache, CACHE_SLOTS * sizeof(*s->cache));
	s->cached = 0;
	pthread_mutex_unlock(&s->lock);
}

/*
 * Data key kid into k: from the cache, else unwrapped from the store
 * (the key file read again when its master key is not one we hold: a
 * rekey ran). 0, SEAL_GONE when the store has no such key, SEAL_BAD.
 */
static int
dkey(struct sealer *s, int64_t kid, unsigned char k[SEAL_KEY_BYTES])
{
	unsigned char w[WRAPPED_N + 16];
	const struct master *m;
	int64_t master;
	size_t n;
	int found;

	if (cache_get(s, kid, k)) {
		atomic_fetch_add(&s->hits, 1);
		return 0;
	}
	if (STORE_CALL(s->st, dkey_get, kid, &master, w, sizeof(w), &n, &found))
		return SEAL_BAD;
	if (!found)
		return SEAL_GONE;
	pthread_mutex_lock(&s->lock);
	m = ring_find(s->ring, master);
	if (!m) {
		struct ring r;
		char err[256];
		int missing;

		if (ring_read(s->path, &r, &missing, err, sizeof(err)) == 0) {
			*s->ring = r;
			m = ring_find(s->ring, master);
		}
		sodium_memzero(&r, sizeof(r));
	}
	found = m && unwrap(m, kid, w, n, k) == 0;
	pthread_mutex_unlock(&s->lock);
	if (!found)
		return SEAL_BAD;
	atomic_fetch_add(&s->unwraps, 1);
	cache_put(s, kid, k);
	return 0;
}

/* A new data key numbered kid, wrapped under the current master key. */
static int
dkey_new(struct sealer *s, int64_t kid, const unsigned char *given)
{
	unsigned char k[SEAL_KEY_BYTES], w[WRAPPED_N];
	struct master m;
	int rc;

	if (given)
		memcpy(k, given, SEAL_KEY_BYTES);
	else
		randombytes_buf(k, sizeof(k));
	pthread_mutex_lock(&s->lock);
	m = s->ring->m[s->ring->n - 1];
	pthread_mutex_unlock(&s->lock);
	wrap(&m, kid, k, w);
	rc = STORE_CALL(s->st, dkey_put, kid, (int64_t)m.id, w, sizeof(w));
	sodium_memzero(&m, sizeof(m));
	if (rc == 0)
		cache_put(s, kid, k);
	sodium_memzero(k, sizeof(k));
	return rc;
}

/* ----------------------------------------------------------------------
 * Start and stop
 * ---------------------------------------------------------------------- */

static int
count_fn(void *arg, int64_t id, int64_t master, const void *w, size_t n)
{
	(void)id, (void)master, (void)w, (void)n;
	++*(long *)arg;
	return 0;
}

static void
derive(const unsigned char sys[SEAL_KEY_BYTES], const char *domain,
       unsigned char out[SEAL_KEY_BYTES])
{
	char msg[128];
	int n = snprintf(msg, sizeof(msg), "chiron/derive/%s", domain);

	crypto_generichash(out, SEAL_KEY_BYTES, (const unsigned char *)msg, (size_t)n, sys,
	                   SEAL_KEY_BYTES);
}

int
sealer_start(struct services *sv, const char *path, int *created, char *err, size_t errlen)
{
	unsigned char sys[SEAL_KEY_BYTES];
	struct sealer *s;
	int missing, found, rc;
	int64_t master;
	size_t n;
	long keys = 0;

	*created = 0;
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium could not start");
		return -1;
	}
	if (!(s = calloc(1, sizeof(*s))) || !(s->ring = sodium_malloc(sizeof(*s->ring))) ||
	    !(s->cache = sodium_malloc(CACHE_SLOTS * sizeof(*s->cache)))) {
		snprintf(err, errlen, "out of memory");
		goto fail_mem;
	}
	memset(s->cache, 0, CACHE_SLOTS * sizeof(*s->cache));
	pthread_mutex_init(&s->lock, NULL);
	s->st = sv->store;
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (STORE_CALL(s->st, dkey_scan, count_fn, &keys)) {
		snprintf(err, errlen, "reading the database's keys: %s", store_errmsg(s->st));
		goto fail;
	}
	if (ring_read(path, s->ring, &missing, err, errlen)) {
		if (!missing)
			goto fail;
		if (keys) {
			snprintf(err, errlen, "%s: the key file is missing, and this database's data is "
			         "sealed with it: chiron will not start without it (give its place with "
			         "--key-file FILE or CHIRON_KEY_FILE; a new key cannot open what the old "
			         "one sealed)", path);
			goto fail;
		}
		memset(s->ring, 0, sizeof(*s->ring));
		s->ring->n = 1;
		s->ring->m[0].id = 1;
		randombytes_buf(s->ring->m[0].k, SEAL_KEY_BYTES);
		if (ring_write(path, s->ring, err, errlen))
			goto fail;
		*created = 1;
	}
	sv->sealer = s;
	if (!keys) {
		/* A database sealed by nothing yet: its system keys. The outbox
		 * of a chiron before issue 11 was sealed with the key file's
		 * 32 bytes: that stays the outbox's key. */
		unsigned char mail[SEAL_KEY_BYTES];

		memcpy(mail, s->ring->m[0].k, SEAL_KEY_BYTES);
		if (dkey_new(s, SEAL_SYSTEM, NULL) ||
		    dkey_new(s, SEAL_MAIL, s->ring->legacy ? mail : NULL)) {
			sodium_memzero(mail, sizeof(mail));
			snprintf(err, errlen, "creating the database's keys: %s", store_errmsg(s->st));
			goto fail_started;
		}
		sodium_memzero(mail, sizeof(mail));
	}
	rc = dkey(s, SEAL_SYSTEM, sys);
	if (rc) {
		unsigned char w[WRAPPED_N + 16];

		if (rc == SEAL_GONE)
			snprintf(err, errlen, "the database's system key is missing: the database is "
			         "damaged, or was not made by this chiron");
		else if (STORE_CALL(s->st, dkey_get, SEAL_SYSTEM, &master, w, sizeof(w), &n, &found) == 0 &&
		         found && !ring_find(s->ring, master))
			snprintf(err, errlen, "%s is not this database's key file: the database's keys "
			         "are under master key %lld, which the file does not hold", path,
			         (long long)master);
		else
			snprintf(err, errlen, "%s does not open this database's keys: it is another "
			         "database's key file, or one of them was altered", path);
		goto fail_started;
	}
	derive(sys, "blind", s->blind);
	{
		unsigned char mail[SEAL_KEY_BYTES];

		if (dkey(s, SEAL_MAIL, mail) == 0) {
			rc = STORE_CALL(s->st, set_mail_key, mail);
			sodium_memzero(mail, sizeof(mail));
		} else {
			/* A database from before the outbox had its own key. */
			rc = dkey_new(s, SEAL_MAIL, s->ring->legacy ? s->ring->m[0].k : NULL);
			if (rc == 0 && dkey(s, SEAL_MAIL, mail) == 0)
				rc = STORE_CALL(s->st, set_mail_key, mail);
			sodium_memzero(mail, sizeof(mail));
		}
		if (rc) {
			snprintf(err, errlen, "the outbox's key: %s", store_errmsg(s->st));
			goto fail_started;
		}
	}
	sodium_memzero(sys, sizeof(sys));
	return 0;
fail_started:
	sv->sealer = NULL;
fail:
	sodium_memzero(sys, sizeof(sys));
	/* A key file made here stays: the store may already hold keys
	 * wrapped under it, and with none it is simply used next time. */
	pthread_mutex_destroy(&s->lock);
fail_mem:
	if (s) {
		sodium_free(s->ring);
		sodium_free(s->cache);
		free(s);
	}
	return -1;
}

void
sealer_stop(struct services *sv)
{
	struct sealer *s = sv->sealer;

	if (!s)
		return;
	sv->sealer = NULL;
	sodium_memzero(s->blind, sizeof(s->blind));
	sodium_free(s->ring);
	sodium_free(s->cache);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* ----------------------------------------------------------------------
 * Sealing and opening
 * ---------------------------------------------------------------------- */

/* "chiron/<table>.<column>#<row>" and the key number, into b. */
static int
seal_ad(struct buf *b, int64_t kid, const char *table, const char *column, const void *row,
        size_t rown)
{
	unsigned char k8[8];

	be64(k8, (uint64_t)kid);
	return buf_printf(b, "chiron/%s.%s#", table, column) || buf_add(b, row, rown) ||
	       buf_addc(b, '\0') || buf_add(b, k8, 8);
}

int
seal_put(struct ctx *cx, int64_t kid, const char *table, const char *column, const void *row,
         size_t rown, const void *plain, size_t n, struct buf *out)
{
	struct sealer *s = cx->sv->sealer;
	unsigned char k[SEAL_KEY_BYTES], head[1 + 8 + NONCE_N];
	struct buf ad = BUF_INIT;
	size_t at;
	int rc = -1;

	if (!s) {
		store_error("sealing: no key file was read (sealer_start)");
		return -1;
	}
	if (dkey(s, kid, k)) {
		store_error("sealing: the data key is missing or does not open");
		return -1;
	}
	head[0] = 1;
	be64(head + 1, (uint64_t)kid);
	randombytes_buf(head + 9, NONCE_N);
	at = out->len;
	if (seal_ad(&ad, kid, table, column, row, rown) || buf_add(out, head, sizeof(head)) ||
	    buf_add(out, plain, n) || buf_add(out, "0123456789abcdef", TAG_N))
		goto done;
	{
		unsigned char *p = (unsigned char *)out->p + at;

		crypto_aead_xchacha20poly1305_ietf_encrypt(p + sizeof(head), NULL, p + sizeof(head), n,
		                                           (const unsigned char *)ad.p, ad.len, NULL,
		                                           head + 9, k);
	}
	atomic_fetch_add(&s->seals, 1);
	rc = 0;
done:
	sodium_memzero(k, sizeof(k));
	buf_free(&ad);
	return rc;
}

int
seal_put_id(struct ctx *cx, int64_t kid, const char *table, const char *column, int64_t row,
            const void *plain, size_t n, struct buf *out)
{
	char r[24];
	int rn = snprintf(r, sizeof(r), "%lld", (long long)row);

	return seal_put(cx, kid, table, column, r, (size_t)rn, plain, n, out);
}

int64_t
seal_kid_of(const void *blob, size_t n)
{
	const unsigned char *b = blob;

	if (!b || n < SEAL_OVERHEAD || b[0] != 1)
		return 0;
	return (int64_t)get64(b + 1);
}

enum seal_result
seal_open(struct ctx *cx, const char *table, const char *column, const void *row, size_t rown,
          const void *blob, size_t n, struct buf *out, int64_t *kidp)
{
	struct sealer *s = cx->sv->sealer;
	const unsigned char *b = blob;
	unsigned char k[SEAL_KEY_BYTES];
	struct buf ad = BUF_INIT;
	int64_t kid = seal_kid_of(blob, n);
	size_t at = out->len, pn = n - SEAL_OVERHEAD;
	enum seal_result rc = SEAL_BAD;
	int got;

	if (kidp)
		*kidp = kid;
	if (!s || kid <= 0)
		return SEAL_BAD;
	got = dkey(s, kid, k);
	if (got)
		return got == SEAL_GONE ? SEAL_GONE : SEAL_BAD;
	if (seal_ad(&ad, kid, table, column, row, rown) || buf_add(out, b + 9 + NONCE_N, pn) ||
	    (pn == 0 && buf_adds(out, "")))
		goto done;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)out->p + at, NULL, NULL,
	                                               b + 9 + NONCE_N, pn + TAG_N,
	                                               (const unsigned char *)ad.p, ad.len,
	                                               b + 9, k) != 0) {
		sodium_memzero(out->p + at, pn);
		out->len = at;
		out->p[at] = '\0';
		goto done;
	}
	out->p[at + pn] = '\0';
	atomic_fetch_add(&s->opens, 1);
	rc = SEAL_OK;
done:
	sodium_memzero(k, sizeof(k));
	buf_free(&ad);
	return rc;
}

enum seal_result
seal_open_id(struct ctx *cx, const char *table, const char *column, int64_t row,
             const void *blob, size_t n, struct buf *out, int64_t *kid)
{
	char r[24];
	int rn = snprintf(r, sizeof(r), "%lld", (long long)row);

	return seal_open(cx, table, column, r, (size_t)rn, blob, n, out, kid);
}

void
seal_rk(unsigned char rk[SEAL_RK_BYTES])
{
	randombytes_buf(rk, SEAL_RK_BYTES);
}

/* ----------------------------------------------------------------------
 * Accounts' keys
 * ---------------------------------------------------------------------- */

/* The key number recorded in uid's row: 1 found, 0 none, -1 error. */
static int
user_kid(struct ctx *cx, int64_t uid, int64_t *kid)
{
	unsigned char sealed[SEAL_OVERHEAD + 16];
	struct buf plain = BUF_INIT;
	size_t n;
	int found;

	if (STORE_CALL(cx->sv->store, user_dkey_get, uid, sealed, sizeof(sealed), &n, &found))
		return -1;
	if (!found)
		return 0;
	if (seal_open_id(cx, "user", "dkey", uid, sealed, n, &plain, NULL) != SEAL_OK ||
	    plain.len != 8) {
		buf_free(&plain);
		store_error("the key of account %lld does not open", (long long)uid);
		return -1;
	}
	*kid = (int64_t)get64((const unsigned char *)plain.p);
	buf_free(&plain);
	return 1;
}

int
seal_user_key(struct ctx *cx, int64_t uid, int64_t *kid)
{
	struct sealer *s = cx->sv->sealer;
	struct buf sealed = BUF_INIT;
	unsigned char k8[8];
	int64_t fresh;
	int rc, set, tries;

	if (!s) {
		store_error("sealing: no key file was read (sealer_start)");
		return -1;
	}
	if ((rc = user_kid(cx, uid, kid)) != 0)
		return rc > 0 ? 0 : -1;
	for (tries = 0;; tries++) {
		randombytes_buf(&fresh, sizeof(fresh));
		fresh = (int64_t)((uint64_t)fresh >> 2);
		if (fresh < USER_KID_MIN)
			continue;
		rc = dkey_new(s, fresh, NULL);
		if (rc == 0)
			break;
		if (rc != STORE_EXISTS || tries > 8)
			return -1;
	}
	be64(k8, (uint64_t)fresh);
	if (seal_put_id(cx, SEAL_SYSTEM, "user", "dkey", uid, k8, 8, &sealed) ||
	    STORE_CALL(cx->sv->store, user_dkey_set, uid, sealed.p, sealed.len, &set)) {
		buf_free(&sealed);
		return -1;
	}
	buf_free(&sealed);
	if (set) {
		*kid = fresh;
		return 0;
	}
	/* Another call recorded one first, or the account is gone: ours goes. */
	{
		int found;

		STORE_CALL(cx->sv->store, dkey_delete, fresh, &found);
	}
	rc = user_kid(cx, uid, kid);
	if (rc == 0)
		store_error("account %lld does not exist", (long long)uid);
	return rc > 0 ? 0 : -1;
}

/* ----------------------------------------------------------------------
 * Blind indexes, derived keys, destroying
 * ---------------------------------------------------------------------- */

void
seal_blind(struct ctx *cx, const char *what, const void *v, size_t n,
           unsigned char out[SEAL_BLIND_BYTES])
{
	struct sealer *s = cx->sv->sealer;
	crypto_generichash_state h;
	static const unsigned char zero[SEAL_KEY_BYTES];

	crypto_generichash_init(&h, s ? s->blind : zero, SEAL_KEY_BYTES, SEAL_BLIND_BYTES);
	crypto_generichash_update(&h, (const unsigned char *)what, strlen(what) + 1);
	crypto_generichash_update(&h, v, n);
	crypto_generichash_final(&h, out, SEAL_BLIND_BYTES);
}

void
seal_derive(struct services *sv, const char *domain, unsigned char key[SEAL_KEY_BYTES])
{
	unsigned char sys[SEAL_KEY_BYTES];

	if (!sv->sealer || dkey(sv->sealer, SEAL_SYSTEM, sys)) {
		/* Never a usable key by accident: random, so nothing verifies. */
		randombytes_buf(key, SEAL_KEY_BYTES);
		return;
	}
	derive(sys, domain, key);
	sodium_memzero(sys, sizeof(sys));
}

int
seal_forget(struct ctx *cx, int64_t kid, int *found)
{
	*found = 0;
	if (kid < USER_KID_MIN) {
		store_error("refusing to destroy a system key");
		return -1;
	}
	if (STORE_CALL(cx->sv->store, dkey_delete, kid, found))
		return -1;
	if (cx->sv->sealer)
		cache_clear(cx->sv->sealer);
	return 0;
}

void
seal_stats(struct services *sv, struct seal_stats *out)
{
	struct sealer *s = sv->sealer;

	memset(out, 0, sizeof(*out));
	if (!s)
		return;
	out->seals = atomic_load(&s->seals);
	out->opens = atomic_load(&s->opens);
	out->unwraps = atomic_load(&s->unwraps);
	out->cache_hits = atomic_load(&s->hits);
}

/* ----------------------------------------------------------------------
 * Rotating the master key
 * ---------------------------------------------------------------------- */

struct rewrap {
	int64_t id, old;
	unsigned char w[WRAPPED_N];
};

struct rewrap_list {
	struct ring *ring;
	const struct master *to;
	struct rewrap *v;
	size_t n, cap;
	char *err;
	size_t errlen;
};

static int
collect_fn(void *arg, int64_t id, int64_t master, const void *w, size_t n)
{
	struct rewrap_list *l = arg;
	const struct master *from = ring_find(l->ring, master);
	unsigned char k[SEAL_KEY_BYTES];

	if (master == l->to->id)
		return 0;
	if (!from || unwrap(from, id, w, n, k)) {
		snprintf(l->err, l->errlen, "data key %lld does not open with the key file's master "
		         "key %lld: nothing was changed", (long long)id, (long long)master);
		return -1;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct rewrap *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			sodium_memzero(k, sizeof(k));
			snprintf(l->err, l->errlen, "out of memory");
			return -1;
		}
		l->v = v, l->cap = cap;
	}
	l->v[l->n].id = id;
	l->v[l->n].old = master;
	wrap(l->to, id, k, l->v[l->n].w);
	l->n++;
	sodium_memzero(k, sizeof(k));
	return 0;
}

int
seal_rekey(struct store *st, const char *path, long *n_keys, char *err, size_t errlen)
{
	struct ring *ring = sodium_malloc(sizeof(*ring));
	struct rewrap_list l = {0};
	struct master fresh;
	int missing, rc = -1;
	uint32_t top = 0;

	*n_keys = 0;
	if (!ring) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (ring_read(path, ring, &missing, err, errlen))
		goto out;
	if (ring->n >= MASTERS_MAX) {
		snprintf(err, errlen, "%s holds %d keys: a rekey that stopped half-way many times? "
		         "Keep the last and try again", path, ring->n);
		goto out;
	}
	for (int i = 0; i < ring->n; i++)
		if (ring->m[i].id > top)
			top = ring->m[i].id;
	fresh.id = top + 1;
	randombytes_buf(fresh.k, sizeof(fresh.k));
	/* 1. The file holds the old keys and the new: readers of either work. */
	ring->m[ring->n++] = fresh;
	ring->legacy = 0;
	if (ring_write(path, ring, err, errlen))
		goto out;
	/* 2. Every data key re-wrapped under the new one, all or nothing. */
	l.ring = ring;
	l.to = &ring->m[ring->n - 1];
	l.err = err;
	l.errlen = errlen;
	if (store_begin(st)) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		goto out;
	}
	err[0] = '\0';
	if (STORE_CALL(st, dkey_scan, collect_fn, &l)) {
		if (!err[0])
			snprintf(err, errlen, "%s", store_errmsg(st));
		store_rollback(st);
		goto out;
	}
	for (size_t i = 0; i < l.n; i++)
		if (STORE_CALL(st, dkey_rewrap, l.v[i].id, l.v[i].old, (int64_t)fresh.id, l.v[i].w,
		               sizeof(l.v[i].w))) {
			snprintf(err, errlen, "%s", store_errmsg(st));
			store_rollback(st);
			goto out;
		}
	if (store_commit(st)) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		goto out;
	}
	*n_keys = (long)l.n;
	/* 3. The old keys go. */
	ring->m[0] = ring->m[ring->n - 1];
	ring->n = 1;
	if (ring_write(path, ring, err, errlen))
		goto out;
	rc = 0;
out:
	sodium_memzero(&fresh, sizeof(fresh));
	if (l.v) {
		sodium_memzero(l.v, l.cap * sizeof(*l.v));
		free(l.v);
	}
	sodium_free(ring);
	return rc;
}
