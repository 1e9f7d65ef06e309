/*
 * fuzz_seal.c: what sealing reads from outside (app/seal.h). A sealed
 * value read back from the database is outside input: anyone who could
 * write the file (or a copy later restored) may have changed it. And the
 * key file is read at every start.
 *
 * A store in a temporary directory holds the system keys, an account's
 * data key and a destroyed one (their numbers: the dictionary's
 * \x01 + 8 bytes entries for the first two; an account's is random). The
 * input's first byte chooses what the rest is:
 *
 *   0-63     a blob, opened by seal_open for one row. Promises: it never
 *            opens (a blob this process did not seal cannot carry a valid
 *            tag); SEAL_GONE only for a well-formed number of a key the
 *            store does not hold; the output is left exactly as it was.
 *   64-127   a mask XORed into a value this process sealed (100 bytes under
 *            the account's key, or 0 bytes under the system's): it opens
 *            only when the mask changed nothing, and then to the very
 *            bytes sealed. Every bit of a blob is authenticated.
 *   128-191  a row name: the value sealed for row "7" opened for that row
 *            opens only when it is "7" (a value copied to another row fails).
 *   192-255  a key file's bytes: seal_keyfile_parse accepts exactly 32
 *            bytes (one key) or the magic "CHIRONK1" and 1 to 16 entries
 *            of 36 bytes, counting them, and refuses the rest with a reason.
 */
#include <stdbool.h>
#include <unistd.h>

#include "fuzz.h"

#include "app/ctx.h"
#include "app/seal.h"
#include "core/buf.h"
#include "store/store.h"

static struct services sv;
static struct ctx cx;
static int64_t user_kid, gone_kid;
static struct buf sealed_user, sealed_empty, sealed_row;
static unsigned char plain[100];
static char dir[256], db[300], key[300];

static void
cleanup(void)
{
	char p[320];

	sealer_stop(&sv);
	if (sv.store)
		store_close(sv.store);
	snprintf(p, sizeof(p), "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db);
	unlink(p);
	unlink(db);
	unlink(key);
	rmdir(dir);
}

static int
user(const char *handle, int64_t *id)
{
	struct store_user u;

	memset(&u, 0, sizeof(u));
	snprintf(u.handle, sizeof(u.handle), "%s", handle);
	snprintf(u.email, sizeof(u.email), "%s@fuzz.invalid", handle);
	snprintf(u.pw_hash, sizeof(u.pw_hash), "-");
	snprintf(u.role, sizeof(u.role), "seeker");
	if (STORE_CALL(sv.store, user_create, &u))
		return -1;
	*id = u.id;
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char err[1200];
	struct store *st;
	int64_t a, b;
	int made, found;

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/chiron-fuzz-seal.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return perror(dir), 1;
	snprintf(db, sizeof(db), "%s/f.db", dir);
	snprintf(key, sizeof(key), "%s/chiron.key", dir);
	if (!(st = store_open(db, err, sizeof(err))))
		return fprintf(stderr, "%s\n", err), 1;
	services_init(&sv, st, NULL);
	if (sealer_start(&sv, key, &made, err, sizeof(err)))
		return fprintf(stderr, "%s\n", err), 1;
	atexit(cleanup);
	ctx_begin(&cx, &sv, NULL);
	for (size_t i = 0; i < sizeof(plain); i++)
		plain[i] = (unsigned char)(i * 7 + 1);
	if (user("fuzz-a", &a) || user("fuzz-b", &b) || seal_user_key(&cx, a, &user_kid) ||
	    seal_user_key(&cx, b, &gone_kid) || seal_forget(&cx, gone_kid, &found) || !found ||
	    seal_put(&cx, user_kid, "fuzz", "v", "1", 1, plain, sizeof(plain), &sealed_user) ||
	    seal_put(&cx, SEAL_SYSTEM, "fuzz", "v", "2", 1, "", 0, &sealed_empty) ||
	    seal_put_id(&cx, user_kid, "fuzz", "row", 7, plain, 10, &sealed_row))
		return fprintf(stderr, "fuzz_seal: setup: %s\n", store_errmsg(sv.store)), 1;
	return 0;
}

/* The key number a well-formed blob names, as seal.h lays it out. */
static int64_t
kid_in(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	if (n < SEAL_OVERHEAD || p[0] != 1)
		return 0;
	for (int i = 1; i <= 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

static void
open_blob(const uint8_t *p, size_t n)
{
	struct buf out = BUF_INIT;
	enum seal_result rc;
	int64_t kid = kid_in(p, n), got = -1;

	buf_adds(&out, "before");
	rc = seal_open(&cx, "fuzz", "v", "1", 1, p, n, &out, &got);
	FUZZ_CHECK(rc != SEAL_OK);
	FUZZ_CHECK(out.len == 6 && memcmp(out.p, "before", 7) == 0);
	FUZZ_CHECK(got == seal_kid_of(p, n));
	FUZZ_CHECK(got == kid);
	if (rc == SEAL_GONE)
		FUZZ_CHECK(kid > 0 && kid != SEAL_SYSTEM && kid != SEAL_MAIL && kid != user_kid);
	if (kid <= 0)
		FUZZ_CHECK(rc == SEAL_BAD);
	buf_free(&out);
}

static void
open_masked(const uint8_t *mask, size_t n, bool empty)
{
	const struct buf *v = empty ? &sealed_empty : &sealed_user;
	unsigned char blob[SEAL_OVERHEAD + sizeof(plain)];
	struct buf out = BUF_INIT;
	enum seal_result rc;
	bool changed = false;

	memcpy(blob, v->p, v->len);
	for (size_t i = 0; i < n && i < v->len; i++) {
		blob[i] ^= mask[i];
		changed |= mask[i] != 0;
	}
	rc = seal_open(&cx, "fuzz", "v", empty ? "2" : "1", 1, blob, v->len, &out, NULL);
	FUZZ_CHECK((rc == SEAL_OK) == !changed);
	if (rc == SEAL_OK)
		FUZZ_CHECK(empty ? out.len == 0 : out.len == sizeof(plain) &&
		                                  memcmp(out.p, plain, sizeof(plain)) == 0);
	else
		FUZZ_CHECK(out.len == 0);
	buf_free(&out);
}

static void
open_row(const uint8_t *row, size_t n)
{
	struct buf out = BUF_INIT;
	enum seal_result rc;

	rc = seal_open(&cx, "fuzz", "row", row, n, sealed_row.p, sealed_row.len, &out, NULL);
	FUZZ_CHECK((rc == SEAL_OK) == (n == 1 && row[0] == '7'));
	if (rc == SEAL_OK)
		FUZZ_CHECK(out.len == 10 && memcmp(out.p, plain, 10) == 0);
	buf_free(&out);
}

static void
key_file(const uint8_t *p, size_t n)
{
	char err[256] = "";
	int keys = -1, rc = seal_keyfile_parse(p, n, &keys, err, sizeof(err));
	bool listed = n > 8 && memcmp(p, "CHIRONK1", 8) == 0 && (n - 8) % 36 == 0 &&
	              (n - 8) / 36 <= 16;

	if (n == 32)
		FUZZ_CHECK(rc == 0 && keys == 1);
	else if (listed)
		FUZZ_CHECK(rc == 0 && keys == (int)((n - 8) / 36));
	else
		FUZZ_CHECK(rc == -1 && keys == 0 && err[0] != '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] >> 6) {
	case 0:
		open_blob(data + 1, size - 1);
		break;
	case 1:
		open_masked(data + 1, size - 1, data[0] & 1);
		break;
	case 2:
		open_row(data + 1, size - 1);
		break;
	default:
		key_file(data + 1, size - 1);
		break;
	}
	return 0;
}
