/*
 * seal.h (src/app): sensitive values sealed before they reach the store.
 *
 * The key hierarchy (docs/security.md, "Sealed at rest"):
 *
 *   master keys   32 random bytes each, numbered, in the key file
 *                 (chiron.key beside the database, or --key-file /
 *                 CHIRON_KEY_FILE), mode 0600, never in the database.
 *                 The file's last key is the current one; `chiron rekey`
 *                 adds a new one, re-wraps every data key under it, then
 *                 drops the old.
 *   data keys     32 random bytes each, one per account (and the system's
 *                 own: SEAL_SYSTEM for values that belong to no one
 *                 person, SEAL_MAIL for the outbox), stored in the
 *                 store's dkey table only wrapped (XChaCha20-Poly1305)
 *                 under a master key, with that master key's number.
 *                 A data key's number is random (62 bits), so the number
 *                 on a row says which rows share an owner, never who.
 *                 Destroying a data key (seal_forget) shreds everything
 *                 sealed with it: that is erasure.
 *   blind index   a keyed BLAKE2b of a value (an email address) under a
 *                 key derived from the system data key: equality search
 *                 without the value.
 *
 * A sealed value is one self-describing blob:
 *
 *   0x01 | data key number (8 bytes, big-endian) | nonce (24) | ciphertext | tag (16)
 *
 * sealed with XChaCha20-Poly1305 under the data key, its associated data
 * "chiron/<table>.<column>#<row>" plus the key number, so a value copied to
 * another row, column or table, or under another key number, fails to open.
 * <row> is the row's identity as the caller gives it: the primary key when
 * the service knows it before the insert (a user id), else the row's
 * random row key (SEAL_RK_BYTES, seal_rk) stored unique in the row.
 *
 * Opening fails closed: a tampered or truncated blob, or one whose data key
 * was destroyed, is never half-returned; the caller turns the failure into
 * an error for the whole request (SEAL_GONE lets it say "erased" instead).
 *
 * Every function is safe to call from many threads at once.
 */
#ifndef CHIRON_APP_SEAL_H
#define CHIRON_APP_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctx;
struct services;
struct store;
struct buf;

#define SEAL_KEY_BYTES 32
#define SEAL_RK_BYTES 16                /* a row key */
#define SEAL_OVERHEAD (1 + 8 + 24 + 16) /* bytes a sealed value adds */
#define SEAL_BLIND_BYTES 32

/* The system's own data keys (small numbers; an account's are >= 2^32). */
#define SEAL_SYSTEM 1                   /* values of no one person; the blind index key */
#define SEAL_MAIL 2                     /* the outbox (store.h, mail at rest) */

/* What seal_open found. */
enum seal_result {
	SEAL_OK = 0,
	SEAL_BAD = -1,                  /* not a sealed value, tampered, or the store failed */
	SEAL_GONE = -2,                 /* its data key was destroyed: erased */
};

struct sealer;                          /* the master keys and a cache of data keys */

/*
 * Starts sealing for sv (sv->sealer): reads the key file at path, creating
 * it (mode 0600, *created = 1) only when the store holds no data key yet,
 * and checks it opens the store's system key. A store sealed before whose
 * key file is missing or is another database's is refused, with the
 * reason in err naming the file: never a new key over sealed data.
 * A key file of 32 bytes (the mail key of chiron before issue 11) is read
 * as master key 1, and the outbox's key stays what it was.
 */
int sealer_start(struct services *sv, const char *path, int *created, char *err, size_t errlen);
/* Forgets every key sealer_start read (zeroed). */
void sealer_stop(struct services *sv);
/* The default key file: chiron.key in the directory of db. */
void seal_key_path_default(const char *db, char *out, size_t n);

/*
 * Seals plain (n bytes) under data key kid for table.column#row, appending
 * the blob to out. Returns 0, or -1 (out of memory, unknown key, store).
 */
int seal_put(struct ctx *cx, int64_t kid, const char *table, const char *column,
             const void *row, size_t rown, const void *plain, size_t n, struct buf *out);
/* seal_put with the row a number (a user id). */
int seal_put_id(struct ctx *cx, int64_t kid, const char *table, const char *column,
                int64_t row, const void *plain, size_t n, struct buf *out);
/*
 * Opens blob (n bytes) sealed for table.column#row, appending the plain
 * bytes to out (NUL-terminated, as buf is). On SEAL_BAD and SEAL_GONE out
 * is left as it was. *kid (may be NULL) gets the blob's data key number.
 */
enum seal_result seal_open(struct ctx *cx, const char *table, const char *column,
                           const void *row, size_t rown, const void *blob, size_t n,
                           struct buf *out, int64_t *kid);
enum seal_result seal_open_id(struct ctx *cx, const char *table, const char *column,
                              int64_t row, const void *blob, size_t n, struct buf *out,
                              int64_t *kid);
/* The data key number a blob names, or 0 when it is not a sealed value. */
int64_t seal_kid_of(const void *blob, size_t n);

/* A new random row key. */
void seal_rk(unsigned char rk[SEAL_RK_BYTES]);

/*
 * Account uid's data key number, made and recorded (sealed under
 * SEAL_SYSTEM in the account's row) on first use. Returns 0, or -1 when
 * the store fails or the account has none and no longer exists.
 */
int seal_user_key(struct ctx *cx, int64_t uid, int64_t *kid);

/*
 * The blind index of value v (n bytes) in the domain `what` (a fixed
 * name such as "user.email"): BLAKE2b-256 keyed with a key derived from
 * SEAL_SYSTEM. Equal values give equal indexes; nothing else is learnt.
 */
void seal_blind(struct ctx *cx, const char *what, const void *v, size_t n,
                unsigned char out[SEAL_BLIND_BYTES]);

/*
 * A 32-byte key for purpose `domain` (a fixed name such as "audit"),
 * derived from SEAL_SYSTEM (BLAKE2b keyed): for MACs that must not be
 * forged without the key file.
 */
void seal_derive(struct services *sv, const char *domain, unsigned char key[SEAL_KEY_BYTES]);

/*
 * Destroys data key kid (crypto-shredding): its wrapped copy is deleted
 * from the store and its cached copy zeroed; everything sealed with it
 * opens as SEAL_GONE from then on. *found = 0 when there was none.
 */
int seal_forget(struct ctx *cx, int64_t kid, int *found);

/*
 * `chiron rekey`: a new master key is added to the key file at path,
 * every data key in store is re-wrapped under it in one transaction, and
 * the file is rewritten with the new key alone. A server reading the same
 * database goes on reading throughout: it keeps the keys it unwrapped,
 * and reads the file again when it meets a master key it does not hold.
 * *n_keys gets the number of data keys re-wrapped.
 */
int seal_rekey(struct store *st, const char *path, long *n_keys, char *err, size_t errlen);

/*
 * The parsing of a key file's n bytes alone (no file read), for the fuzz
 * target (tests/fuzz/fuzz_seal.c): 0 and the number of master keys in
 * *keys, or -1 with the reason in err. Nothing is kept.
 */
int seal_keyfile_parse(const void *p, size_t n, int *keys, char *err, size_t errlen);

/* Counters for the bench (make bench) and tests. */
struct seal_stats {
	long seals, opens, unwraps, cache_hits;
};
void seal_stats(struct services *sv, struct seal_stats *out);

#endif
