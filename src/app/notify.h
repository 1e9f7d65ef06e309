/*
 * notify.h: the messages chiron sends, through the outbox.
 */
#ifndef CHIRON_APP_NOTIFY_H
#define CHIRON_APP_NOTIFY_H

#include "app/ctx.h"

/* Puts a message in the outbox (sealed in the store; a redacted line in
 * the outbox log when configured) and wakes the mailer. */
int notify_send(struct services *sv, const char *to, const char *subject, const char *body);

#endif
