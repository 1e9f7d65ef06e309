/*
 * password_list.h: the list of common passwords a new password must not
 * be on (NIST SP 800-63B 5.1.1.2: "passwords obtained from previous
 * breach corpuses, dictionary words"). The list is a packaged word list,
 * one a line: Debian's cracklib-runtime's /usr/share/dict/cracklib-small
 * by default. It is read once at start into a hash set of its lines in
 * lower case; a password is "on the list" when it equals one, case
 * ignored. Read-only once loaded: safe from every thread.
 */
#ifndef CHIRON_APP_PASSWORD_LIST_H
#define CHIRON_APP_PASSWORD_LIST_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_LIST_DEFAULT "/usr/share/dict/cracklib-small"

struct password_list;

/*
 * Reads the list at path. NULL with the reason in err (naming the file)
 * when it cannot be read; an empty file is a list of nothing.
 */
struct password_list *password_list_load(const char *path, char *err, size_t errlen);
void password_list_free(struct password_list *l);
/* Words on the list. */
size_t password_list_size(const struct password_list *l);
/* Is pw on the list (case ignored)? false when l is NULL. */
bool password_listed(const struct password_list *l, const char *pw);

#endif
