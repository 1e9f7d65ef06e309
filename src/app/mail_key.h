/*
 * mail_key.h (src/app): the key the outbox is sealed with (store.h, mail
 * at rest), read from a file that is not the database.
 *
 * The file holds 32 random bytes and nothing else. `chiron serve` reads
 * it at start (--mail-key FILE, CHIRON_MAIL_KEY_FILE, config mail_key;
 * by default chiron.key beside the database) and creates it, mode 0600,
 * when it does not exist. A key file that others can read, that is not a
 * plain file, or that is not 32 bytes is refused with the reason: a key
 * is never guessed at or silently replaced, since the sealed outbox would
 * no longer open.
 */
#ifndef CHIRON_APP_MAIL_KEY_H
#define CHIRON_APP_MAIL_KEY_H

#include <stddef.h>

#include "store/store.h"

/*
 * Reads the key at path into key (STORE_MAIL_KEY_BYTES), creating the
 * file first when it is missing (*created set to 1 then, else 0). Returns
 * 0, or -1 with the reason in err (errlen bytes), naming the file.
 */
int mail_key_load(const char *path, unsigned char *key, int *created, char *err, size_t errlen);

/* The default path: chiron.key in the directory of db, into out (n bytes). */
void mail_key_default(const char *db, char *out, size_t n);

#endif
