/*
 * throttle.c: attempts counted per keyed hash of a party (throttle.h).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app/throttle.h"

bool
throttled_party(struct ctx *cx, const char *action, const char *party, long max,
                int64_t window)
{
	int64_t now = ctx_now(cx);
	unsigned char h[16];
	char key[96], hex[33];
	long count = 0;

	crypto_generichash(h, sizeof(h), (const unsigned char *)party, strlen(party),
	                   cx->sv->throttle_key, sizeof(cx->sv->throttle_key));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(key, sizeof(key), "%.40s:%s", action, hex);
	if (STORE_CALL(cx->sv->store, throttle_hit, key, now, now - window, &count))
		return true;            /* fail closed */
	return count > max;
}

bool
throttled_address(struct ctx *cx, const struct actor *who, const char *action, long max,
                  int64_t window)
{
	char party[80];

	snprintf(party, sizeof(party), "address:%s", who->addr ? who->addr : "?");
	return throttled_party(cx, action, party, max, window);
}
