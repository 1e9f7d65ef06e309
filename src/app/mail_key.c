/*
 * mail_key.c: the outbox's key file (see mail_key.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "app/mail_key.h"

void
mail_key_default(const char *db, char *out, size_t n)
{
	const char *slash = strrchr(db, '/');

	snprintf(out, n, "%.*schiron.key", slash ? (int)(slash - db + 1) : 0, db);
}

/* Writes a new key to path, which must not exist. */
static int
create(const char *path, unsigned char *key, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	ssize_t w;

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create the mail key: %s", path, strerror(errno));
		return -1;
	}
	randombytes_buf(key, STORE_MAIL_KEY_BYTES);
	w = write(fd, key, STORE_MAIL_KEY_BYTES);
	if (w != STORE_MAIL_KEY_BYTES || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: cannot write the mail key: %s", path,
		         w < 0 ? strerror(errno) : "short write");
		close(fd);
		unlink(path);
		sodium_memzero(key, STORE_MAIL_KEY_BYTES);
		return -1;
	}
	close(fd);
	return 0;
}

int
mail_key_load(const char *path, unsigned char *key, int *created, char *err, size_t errlen)
{
	struct stat sb;
	ssize_t r;
	int fd;

	*created = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (create(path, key, err, errlen))
			return -1;
		*created = 1;
		return 0;
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot read the mail key: %s%s", path, strerror(errno),
		         errno == ELOOP ? " (a symbolic link is not accepted)" : "");
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: the mail key must be a plain file", path);
		goto fail;
	}
	if (sb.st_mode & 077) {
		snprintf(err, errlen, "%s: the mail key can be read by others (mode %04o); "
		         "make it private with: chmod 600 %s", path, (unsigned)(sb.st_mode & 07777), path);
		goto fail;
	}
	if (sb.st_size != STORE_MAIL_KEY_BYTES) {
		snprintf(err, errlen, "%s: a mail key is %d bytes, this file has %lld: not a chiron "
		         "mail key", path, STORE_MAIL_KEY_BYTES, (long long)sb.st_size);
		goto fail;
	}
	r = read(fd, key, STORE_MAIL_KEY_BYTES);
	if (r != STORE_MAIL_KEY_BYTES) {
		snprintf(err, errlen, "%s: cannot read the mail key: %s", path,
		         r < 0 ? strerror(errno) : "short read");
		sodium_memzero(key, STORE_MAIL_KEY_BYTES);
		goto fail;
	}
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}
