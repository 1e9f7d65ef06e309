/*
 * session.c: sign-in sessions (session.h).
 */
#include <string.h>

#include "app/audit.h"
#include "app/secret.h"
#include "app/session.h"

int
session_find(struct ctx *cx, const unsigned char hash[32], const char *addr,
             struct actor *who, char csrf[64], int *found)
{
	struct store_user u;
	int64_t uid;

	*found = 0;
	if (STORE_CALL(cx->sv->store, session_get, hash, ctx_now(cx), &uid, csrf, found))
		return -1;
	if (!*found)
		return 0;
	if (STORE_CALL(cx->sv->store, user_get, uid, &u, found))
		return -1;
	if (*found)
		actor_of_user(who, &u, addr);
	return 0;
}

int
session_start(struct ctx *cx, const struct store_user *u, char tok[48],
              unsigned char hash[32], char csrf[48])
{
	unsigned char raw[32], craw[32];

	token_random(tok, raw);
	token_random(csrf, craw);
	token_hash(raw, hash);
	return STORE_CALL(cx->sv->store, session_put, hash, u->id, csrf,
	                  ctx_now(cx) + SESSION_SECONDS) ? -1 : 0;
}

int
session_end(struct ctx *cx, const struct actor *who, const unsigned char hash[32],
            bool everywhere)
{
	if (!who->id)
		return 0;
	if (audit_note(cx, who, AUDIT_SIGNOUT, "account", everywhere ? "everywhere" : "", who->id))
		return -1;
	if (everywhere)
		return STORE_CALL(cx->sv->store, sessions_delete_user, who->id) ? -1 : 0;
	return STORE_CALL(cx->sv->store, session_delete, hash) ? -1 : 0;
}
