/*
 * session.c: sign-in sessions, their limits, stages and rotation
 * (session.h).
 */
#include <string.h>

#include "app/audit.h"
#include "app/secret.h"
#include "app/session.h"

int
session_find(struct ctx *cx, const unsigned char hash[32], const char *addr,
             struct actor *who, char csrf[64], enum session_stage *stage, int *found)
{
	struct store_session s;
	struct store_second_factor sf;
	struct store_user u;
	int64_t now = ctx_now(cx), idle = cx->sv->session_idle, max = cx->sv->session_max;
	int has = 0;

	*found = 0;
	if (STORE_CALL(cx->sv->store, session_read, hash, &s, found))
		return -1;
	if (!*found)
		return 0;
	if (s.stage == SESSION_CODE) {
		idle = SESSION_CODE_SECONDS;
		max = SESSION_CODE_SECONDS;
	}
	/* Past a limit: gone, for good (a clock set back does not revive it). */
	if (now >= s.expires_at || now - s.seen_at >= idle || now - s.created_at >= max ||
	    (s.stage != SESSION_FULL && s.stage != SESSION_CODE)) {
		*found = 0;
		return STORE_CALL(cx->sv->store, session_delete, hash) ? -1 : 0;
	}
	if (now - s.seen_at >= SESSION_SEEN_EVERY &&
	    STORE_CALL(cx->sv->store, session_seen, hash, now))
		return -1;
	if (STORE_CALL(cx->sv->store, user_get, s.user, &u, found))
		return -1;
	if (!*found)
		return 0;
	if (STORE_CALL(cx->sv->store, sf_get, s.user, &sf, &has))
		return -1;
	actor_of_user(who, &u, addr);
	who->second_factor = has && sf.confirmed_at != 0;
	memcpy(csrf, s.csrf, 64);
	csrf[63] = '\0';
	*stage = (enum session_stage)s.stage;
	return 0;
}

int
session_start(struct ctx *cx, const struct store_user *u, enum session_stage stage, char tok[48],
              unsigned char hash[32], char csrf[48])
{
	unsigned char raw[32], craw[32];
	int64_t now = ctx_now(cx);
	int64_t life = stage == SESSION_CODE ? SESSION_CODE_SECONDS : cx->sv->session_max;

	token_random(tok, raw);
	token_random(csrf, craw);
	token_hash(raw, hash);
	return STORE_CALL(cx->sv->store, session_begin, hash, u->id, csrf, (int)stage, now,
	                  now + life) ? -1 : 0;
}

int
session_rotate(struct ctx *cx, const unsigned char *old, const struct store_user *u,
               enum session_stage stage, char tok[48], unsigned char hash[32], char csrf[48])
{
	if (old && STORE_CALL(cx->sv->store, session_delete, old))
		return -1;
	return session_start(cx, u, stage, tok, hash, csrf);
}

int
session_end(struct ctx *cx, const struct actor *who, const unsigned char hash[32],
            bool everywhere)
{
	if (!who->id)
		return STORE_CALL(cx->sv->store, session_delete, hash) ? -1 : 0;
	if (audit_note(cx, who, AUDIT_SIGNOUT, "account", everywhere ? "everywhere" : "", who->id))
		return -1;
	if (everywhere)
		return STORE_CALL(cx->sv->store, sessions_delete_user, who->id) ? -1 : 0;
	return STORE_CALL(cx->sv->store, session_delete, hash) ? -1 : 0;
}

int
session_end_others(struct ctx *cx, const struct actor *who, const unsigned char keep[32])
{
	if (!who->id)
		return 0;
	return STORE_CALL(cx->sv->store, sessions_delete_others, who->id, keep) ? -1 : 0;
}
