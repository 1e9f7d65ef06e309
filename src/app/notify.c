/*
 * notify.c: the outbox, where every message chiron sends goes first
 * (notify.h). The store seals each message (store.h); the outbox log, when
 * configured, gets a redacted line: when, which message, what kind.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/mailer.h"
#include "app/notify.h"

/*
 * What kind of message a subject is, for the outbox log: a word of ours,
 * never the subject itself (which could one day carry a name).
 */
static const char *
mail_kind(const char *subject)
{
	static const struct { const char *prefix, *kind; } kinds[] = {
		{"Reset your chiron password", "reset"},
		{"chiron: session", "booking"},
		{"Is your chiron listing still current?", "listing-reminder"},
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strncmp(subject, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
			return kinds[i].kind;
	return "other";
}

int
notify_send(struct services *sv, const char *to, const char *subject, const char *body)
{
	int64_t now = clock_now(&sv->clock), id;

	if (STORE_CALL(sv->store, outbox_put, to, subject, body, now, &id))
		return -1;
	if (sv->outbox_log) {
		/* Redacted: when, which message, what kind. No address, name, link or token. */
		char when[32];
		time_t t = (time_t)now;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		pthread_mutex_lock(&sv->outbox_lock);
		fprintf(sv->outbox_log, "%s outbox %lld %s\n", when, (long long)id, mail_kind(subject));
		fflush(sv->outbox_log);
		pthread_mutex_unlock(&sv->outbox_lock);
	}
	mailer_wake(sv->mailer);
	return 0;
}

