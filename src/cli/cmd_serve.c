/*
 * cmd_serve.c: `chiron serve`: the website and the JSON API.
 *
 *   chiron serve [SETTING...] [--config FILE]
 *
 * Every setting is a row of settings_table below: its flag, its
 * environment variable, its key in the config file (`key = value` lines,
 * # starts a comment), its default and the check its value passes; the
 * flag wins over the variable, the variable over the file, the file over
 * the default, and `chiron serve --help` lists them from the table.
 * The defaults: var/chiron.db, 127.0.0.1:8080, the shipped compacts, an
 * access log on stderr without addresses, no outbox log, the mail key
 * chiron.key beside the database (created when missing), cookies without
 * Secure (set it behind TLS), and at most 600 API requests a minute from
 * one address (--api-rate 0 lifts the limit). SIGTERM or SIGINT stops accepting,
 * lets the requests in flight finish (a calendar being read gives up),
 * and exits 0; still stopping 10 seconds later, or at a second signal, it
 * exits 1 there and then.
 *
 * Mail: the outbox holds every message sealed with the mail key
 * (--mail-key FILE, mode 0600; store.h, mail at rest) and erases it once
 * sent. --outbox-log FILE writes one redacted line per message (time, id,
 * kind: never an address, a name, a link). Without --smtp or --mail-dir,
 * messages stay in the outbox, sealed. --mail-dir DIR (development and
 * tests) delivers each to DIR/<id>.eml instead of sending it.
 * With --smtp smtp://HOST[:PORT] (STARTTLS required; --smtp-insecure lets
 * it go without TLS when the server offers none) or smtps://HOST[:PORT],
 * the mailer (app/mailer.h) sends them From --smtp-from, authenticating
 * as --smtp-user with the password in CHIRON_SMTP_PASSWORD: only there,
 * never on the command line or in the config file. The hidden
 * --smtp-retry-base SECONDS (60) sets the first retry's delay, for tests.
 *
 * Tests: the hidden --clock-file PATH makes the server's clock (ctx.h)
 * the system's time plus the seconds written in PATH, read at each use:
 * a test moves time (the mail back-off, reminders, expiry) by writing a
 * number there instead of sleeping. SIGUSR1 runs the chores once now and
 * wakes the mailer, so what a moved clock made due happens at once
 * (docs/testing.md).
 *
 * Clients: --trusted-proxy ADDR[,ADDR...] (CHIRON_TRUSTED_PROXY,
 * trusted_proxy; addresses or networks) lists the reverse proxies whose
 * X-Forwarded-For names the client; --connections-per-address N (32; 0
 * for none; connections_per_address) and --max-connections N (1000;
 * max_connections) bound what one address and everyone may hold open.
 *
 * Links in messages (password resets, reminders) start with --public-url,
 * the site's address as clinicians reach it (https://chiron.example.org);
 * by default http://HOST:PORT of --listen.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include <sodium.h>

#include "cli/cli.h"
#include "app/directory.h"
#include "app/jobs.h"
#include "app/live.h"
#include "app/seal.h"
#include "app/mailer.h"
#include "app/password_list.h"
#include "cli/progress.h"
#include "core/places.h"
#include "app/services.h"
#include "web/auth.h"
#include "web/http.h"

struct settings {
	char db[1024], listen[128], compacts[1024], access_log[1024], outbox_log[1024];
	char mail_key[1024], mail_dir[1024];
	char clock_file[1024];          /* hidden, for tests */
	char smtp[1024], smtp_from[320], smtp_user[256];
	char public_url[512], trusted_proxy[1024];
	int log_addresses, secure_cookies, smtp_insecure;
	long conn_per_addr, max_connections;    /* -1 when not set */
	long api_rate;                  /* -1 when not set */
	long smtp_retry_base;           /* -1 when not set */
	long ics_max_ms;                /* hidden, for tests */
	long session_idle, session_max; /* seconds (app/session.h) */
	char common_passwords[1024];    /* app/password_list.h */
};

/*
 * The settings, one row each: the flag, the environment variable and the
 * config file's key that give it (NULL where there is none), the form of
 * its value and its default, the field of struct settings it fills, and
 * the check its value passes whichever of the three gives it. Reading the
 * flags, the environment and the config file walks this table, and so
 * does `chiron serve --help`. --config FILE itself is not a row.
 */
struct setting;
typedef int (*setting_check)(const struct setting *row, const char *v, void *field);

struct setting {
	const char *flag, *env, *key;
	const char *arg;                /* the value's form in --help; NULL for a switch */
	const char *def;                /* the default, through the same check; NULL: none */
	size_t off, size;               /* the field in struct settings */
	setting_check check;
	long min, max;                  /* a number's bounds */
	const char *why;                /* what a value must be, said when it is not */
	const char *help;               /* NULL: not listed (for tests) */
};

/* Text, copied (cut to its field). */
static int
check_text(const struct setting *row, const char *v, void *field)
{
	snprintf(field, row->size, "%s", v);
	return 0;
}

/* A switch: on when given as a flag (v NULL), or as "1" or "true". */
static int
check_switch(const struct setting *row, const char *v, void *field)
{
	(void)row;
	*(int *)field = !v || strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
	return 0;
}

/* A whole number from row->min to row->max. */
static int
check_number(const struct setting *row, const char *v, void *field)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < row->min || n > row->max)
		return -1;
	*(long *)field = n;
	return 0;
}

#define TEXT(f) offsetof(struct settings, f), sizeof(((struct settings *)0)->f), check_text, 0, 0, ""
#define SWITCH(f) offsetof(struct settings, f), sizeof(int), check_switch, 0, 0, ""
#define NUMBER(f, lo, hi, why) offsetof(struct settings, f), sizeof(long), check_number, lo, hi, why

static const struct setting settings_table[] = {
	{"--db", "CHIRON_DB", "db", "PATH", DEFAULT_DB, TEXT(db),
	 "the database (created when missing)"},
	{"--listen", "CHIRON_LISTEN", "listen", "HOST:PORT", "127.0.0.1:8080", TEXT(listen),
	 "where to accept connections"},
	{"--compacts", "CHIRON_COMPACTS", "compacts", "FILE", NULL, TEXT(compacts),
	 "the licensure compacts (default: the shipped ones)"},
	{"--access-log", "CHIRON_ACCESS_LOG", "access_log", "PATH|-|off", "-", TEXT(access_log),
	 "one line per request (-: standard error)"},
	{"--log-addresses", NULL, "log_addresses", NULL, NULL, SWITCH(log_addresses),
	 "write client addresses in the access log"},
	{"--outbox-log", "CHIRON_OUTBOX_LOG", "outbox_log", "PATH|off", NULL, TEXT(outbox_log),
	 "one redacted line per message"},
	{"--secure-cookies", "CHIRON_SECURE_COOKIES", "secure_cookies", NULL, NULL,
	 SWITCH(secure_cookies), "cookies marked Secure: set it behind TLS"},
	{"--api-rate", NULL, "api_rate", "N", "600",
	 NUMBER(api_rate, 0, LONG_MAX, "a whole number of requests a minute (0: no limit)"),
	 "API requests a minute from one address (0: no limit)"},
	{"--smtp", "CHIRON_SMTP", "smtp", "smtp://HOST[:PORT]|smtps://HOST[:PORT]|off", NULL,
	 TEXT(smtp), "send mail there (smtp:// requires STARTTLS)"},
	{"--smtp-from", "CHIRON_SMTP_FROM", "smtp_from", "ADDRESS", NULL, TEXT(smtp_from),
	 "the sender of every message"},
	{"--smtp-user", "CHIRON_SMTP_USER", "smtp_user", "NAME", NULL, TEXT(smtp_user),
	 "the SMTP login (its password: CHIRON_SMTP_PASSWORD only)"},
	{"--smtp-insecure", "CHIRON_SMTP_INSECURE", "smtp_insecure", NULL, NULL,
	 SWITCH(smtp_insecure), "send without TLS when the server offers none"},
	{"--public-url", "CHIRON_PUBLIC_URL", "public_url", "https://HOST", NULL, TEXT(public_url),
	 "the site's address in links (default: http://HOST:PORT of --listen)"},
	{"--trusted-proxy", "CHIRON_TRUSTED_PROXY", "trusted_proxy", "ADDR[,ADDR...]", NULL,
	 TEXT(trusted_proxy), "reverse proxies whose X-Forwarded-For names the client"},
	{"--connections-per-address", NULL, "connections_per_address", "N", "32",
	 NUMBER(conn_per_addr, 0, 1000000, "a whole number (0: no limit)"),
	 "connections one address may hold open (0: no limit)"},
	{"--max-connections", NULL, "max_connections", "N", "1000",
	 NUMBER(max_connections, 1, 1000000, "a whole number, 1 or more"),
	 "connections everyone may hold open"},
	{"--key-file", "CHIRON_KEY_FILE", "key_file", "FILE", NULL, TEXT(mail_key),
	 "the master key file everything sealed opens with (default: chiron.key beside the database)"},
	/* Its name before issue 11, when it sealed only the mail. */
	{"--mail-key", "CHIRON_MAIL_KEY_FILE", "mail_key", "FILE", NULL, TEXT(mail_key), NULL},
	{"--mail-dir", "CHIRON_MAIL_DIR", "mail_dir", "DIR", NULL, TEXT(mail_dir),
	 "deliver each message to DIR/<id>.eml instead (development, tests)"},
	{"--smtp-retry-base", NULL, NULL, "SECONDS", "60",
	 NUMBER(smtp_retry_base, 1, LONG_MAX, "a whole number of seconds, 1 or more"), NULL},
	{"--session-idle", "CHIRON_SESSION_IDLE", "session_idle", "SECONDS", "1800",
	 NUMBER(session_idle, 60, 30 * 86400, "a whole number of seconds, 60 to 2592000"),
	 "a session ends after this long unused (30 minutes)"},
	{"--session-max", "CHIRON_SESSION_MAX", "session_max", "SECONDS", "43200",
	 NUMBER(session_max, 60, 365 * 86400, "a whole number of seconds, 60 to 31536000"),
	 "a session ends this long after signing in, used or not (12 hours)"},
	{"--common-passwords", "CHIRON_COMMON_PASSWORDS", "common_passwords", "FILE",
	 PASSWORD_LIST_DEFAULT, TEXT(common_passwords),
	 "new passwords on this list (one a line, case ignored) are refused"},
	{"--clock-file", NULL, NULL, "PATH", NULL, TEXT(clock_file), NULL},
	{"--ics-max-ms", NULL, NULL, "MS", "0",
	 NUMBER(ics_max_ms, 0, 3600000, "a whole number of milliseconds, 0 to 3600000"), NULL},
};
#define N_SETTINGS (sizeof(settings_table) / sizeof(settings_table[0]))

static void *
field_of(const struct setting *row, struct settings *s)
{
	return (char *)s + row->off;
}

/* The short form, for a mistake on the command line (stderr, 2). */
static int
usage_serve(void)
{
	size_t i, col;

	col = (size_t)fprintf(stderr, "usage: chiron serve");
	for (i = 0; i < N_SETTINGS; i++) {
		const struct setting *row = &settings_table[i];
		char one[128];
		size_t n;

		if (!row->help)
			continue;
		n = (size_t)snprintf(one, sizeof(one), " [%s%s%s]", row->flag, row->arg ? " " : "",
		                     row->arg ? row->arg : "");
		if (col + n > 96)
			col = (size_t)fprintf(stderr, "\n                   ");
		col += (size_t)fprintf(stderr, "%s", one);
	}
	fprintf(stderr, "%s [--config FILE]\n  chiron serve --help lists what each does.\n",
	        col > 80 ? "\n                  " : "");
	return 2;
}

/* --help: every listed row, with its variable, key and default. */
static int
help_serve(void)
{
	size_t i;

	printf("usage: chiron serve [SETTING...] [--config FILE]\n\n"
	       "Each setting comes from its flag, else its environment variable, else its\n"
	       "key in the --config file (key = value lines, # a comment), else its default.\n"
	       "The SMTP password is read from CHIRON_SMTP_PASSWORD only.\n\n");
	for (i = 0; i < N_SETTINGS; i++) {
		const struct setting *row = &settings_table[i];

		if (!row->help)
			continue;
		printf("  %s%s%s\n      %s\n", row->flag, row->arg ? " " : "", row->arg ? row->arg : "",
		       row->help);
		printf("      %s%s%s%s%s%s%s\n", row->env ? "env " : "", row->env ? row->env : "",
		       row->env && row->key ? ", " : "", row->key ? "config " : "",
		       row->key ? row->key : "", row->def ? "; default " : "", row->def ? row->def : "");
	}
	return 0;
}

/*
 * Sets row's field of s from v (NULL: a switch given as a flag), saying
 * where it came from (a flag, a variable, "FILE:LINE: key") when v does
 * not pass the row's check. Returns 0 or -1.
 */
static int
setting_apply(const struct setting *row, const char *v, struct settings *s, const char *where)
{
	if (row->check(row, v, field_of(row, s)) == 0)
		return 0;
	fprintf(stderr, "chiron serve: %s \"%s\": %s\n", where, v ? v : "", row->why);
	return -1;
}

/* The defaults of every row into s. */
static void
settings_defaults(struct settings *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < N_SETTINGS; i++)
		if (settings_table[i].def)
			settings_table[i].check(&settings_table[i], settings_table[i].def,
			                        field_of(&settings_table[i], s));
}

static int
read_config(const char *path, struct settings *s)
{
	FILE *f = fopen(path, "r");
	char line[2048], where[1200];
	int lineno = 0, rc = 0;
	size_t i;

	if (!f) {
		fprintf(stderr, "chiron serve: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		char *k = line, *v, *e;

		lineno++;
		while (*k == ' ' || *k == '\t')
			k++;
		if (*k == '#' || *k == '\n' || !*k)
			continue;
		v = strchr(k, '=');
		if (!v) {
			fprintf(stderr, "chiron serve: %s:%d: expected key = value\n", path, lineno);
			rc = -1;
			break;
		}
		*v++ = '\0';
		for (e = v + strlen(v); e > v && (e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		for (e = k + strlen(k); e > k && (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		if (strcmp(k, "smtp_password") == 0) {
			fprintf(stderr, "chiron serve: %s:%d: the SMTP password goes in the "
			        "environment (CHIRON_SMTP_PASSWORD), not in a file\n", path, lineno);
			rc = -1;
			break;
		}
		for (i = 0; i < N_SETTINGS; i++)
			if (settings_table[i].key && strcmp(k, settings_table[i].key) == 0)
				break;
		if (i == N_SETTINGS) {
			fprintf(stderr, "chiron serve: %s:%d: unknown setting \"%s\"\n", path, lineno, k);
			rc = -1;
			break;
		}
		snprintf(where, sizeof(where), "%s:%d: %s", path, lineno, k);
		rc = setting_apply(&settings_table[i], v, s, where);
	}
	fclose(f);
	return rc;
}

/*
 * Reads the settings into s: the defaults, then the config file named by
 * --config, then the environment, then the flags, each over the last.
 * Returns 0; -1 after --help; 2 for a mistake on the command line (or in
 * the environment), 1 for one in the config file, both said on stderr.
 */
static int
settings_read(int argc, char **argv, struct settings *s)
{
	struct settings flags;
	bool given[N_SETTINGS] = {false};
	const char *config = NULL;
	size_t k;
	int i;

	memset(&flags, 0, sizeof(flags));
	for (i = 1; i < argc; i++) {
		const struct setting *row = NULL;

		if (strcmp(argv[i], "--help") == 0)
			return help_serve() == 0 ? -1 : 2;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config = argv[++i];
			continue;
		}
		for (k = 0; k < N_SETTINGS; k++)
			if (strcmp(argv[i], settings_table[k].flag) == 0) {
				row = &settings_table[k];
				break;
			}
		if (!row || (row->arg && i + 1 >= argc))
			return usage_serve();
		if (!row->arg) {
			check_switch(row, NULL, field_of(row, &flags));
			given[k] = true;
		} else if (row->check == check_text && !argv[i + 1][0])
			i++;            /* an empty text leaves the setting as it is */
		else if (setting_apply(row, argv[++i], &flags, row->flag))
			return 2;
		else
			given[k] = true;
	}
	settings_defaults(s);
	if (config && read_config(config, s))
		return 1;
	for (k = 0; k < N_SETTINGS; k++) {
		const struct setting *row = &settings_table[k];
		const char *v = row->env ? getenv(row->env) : NULL;

		if (v && *v && setting_apply(row, v, s, row->env))
			return 2;
	}
	for (k = 0; k < N_SETTINGS; k++)
		if (given[k])
			memcpy(field_of(&settings_table[k], s), field_of(&settings_table[k], &flags),
			       settings_table[k].size);
	return 0;
}

/*
 * The chores: hourly (and once at start), the confirmation reminders and
 * the reminders of the next 24 hours' sessions go to the outbox, and
 * throttles forget attempts older than a day, sign-ups their expired links;
 * the audit trail's head goes to the log as a checkpoint. (Pausing unconfirmed listings is the index builder's,
 * app/live.c.) Stops at once when told, through its condition variable.
 */
struct chores {
	struct app *app;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop;
	int kicked;                     /* SIGUSR1: run once now (under lock) */
};

static void *
chores_run(void *arg)
{
	struct chores *c = arg;

	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		struct timespec until;
		int64_t now;
		long n;

		c->kicked = 0;
		pthread_mutex_unlock(&c->lock);
		now = clock_now(&c->app->sv.clock);
		n = listing_reminders(&c->app->sv, now);
		if (n < 0)
			fprintf(stderr, "chiron: sending reminders: %s\n", store_errmsg(c->app->sv.store));
		else if (n > 0)
			fprintf(stderr, "chiron: %ld confirmation reminder%s sent to the outbox\n", n,
			        n == 1 ? "" : "s");
		if (STORE_CALL(c->app->sv.store, throttle_expire,
		               now - THROTTLE_KEEP_SECONDS) ||
		    STORE_CALL(c->app->sv.store, signup_expire, now))
			fprintf(stderr, "chiron: forgetting old attempts: %s\n",
			        store_errmsg(c->app->sv.store));
		/* The audit trail's head, into the log (app/audit.c, note 5). */
		if (audit_checkpoint(&c->app->sv, stderr))
			fprintf(stderr, "chiron: audit checkpoint: %s\n", store_errmsg(c->app->sv.store));
		n = appointment_reminders(&c->app->sv, now);
		if (n < 0)
			fprintf(stderr, "chiron: session reminders: %s\n", store_errmsg(c->app->sv.store));
		else if (n > 0)
			fprintf(stderr, "chiron: %ld session reminder%s sent to the outbox\n", n,
			        n == 1 ? "" : "s");
		pthread_mutex_lock(&c->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 3600;
		while (!c->stop && !c->kicked &&
		       pthread_cond_timedwait(&c->wake, &c->lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/*
 * After SIGTERM or SIGINT, serve stops in order: the server waits for the
 * requests in flight (a calendar upload gives up at once: app.sv.stopping),
 * the mailer for the message in flight (its transfer is aborted), the
 * index builder for the build in flight. Whatever still holds it after
 * STOP_GRACE seconds, or a second signal, this thread ends the process
 * there, with status 1: the store is SQLite, whose transactions survive
 * that, and the outbox is sent again from the store.
 */
#define STOP_GRACE 10

struct stop_watch {
	sigset_t sigs, waits;                  /* SIGTERM and SIGINT, blocked in every thread */
	atomic_int done;                /* the orderly stop is over: stand down */
};

static double
mono_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Waits in slices, so that an interrupted wait (EINTR) or the end of the
 * orderly stop (cmd_serve joins it then) is noticed. */
static void *
stop_watchdog(void *arg)
{
	struct stop_watch *w = arg;
	double until = mono_now() + STOP_GRACE;
	int sig = -1;

	while (!atomic_load(&w->done) && mono_now() < until) {
		struct timespec slice = {0, 200 * 1000 * 1000};

		sig = sigtimedwait(&w->sigs, NULL, &slice);
		if (sig > 0)
			break;
	}
	if (atomic_load(&w->done))
		return NULL;
	fprintf(stderr, "chiron: %s; exiting now\n", sig > 0 ? "a second signal" :
	        "still stopping after 10 seconds");
	_exit(1);
	return NULL;
}

int
cmd_serve(int argc, char **argv)
{
	const struct taxonomy *tax = cli_taxonomy();
	struct settings s;
	struct compacts cx;
	struct store *st = NULL;
	struct live *lv = NULL;
	struct password_list *common = NULL;
	struct server *srv = NULL;
	struct app app;
	struct mailer_config mail;
	char err[600], host[64];
	sigset_t sigs, waits;
	struct stop_watch watch;
	pthread_t wd;
	bool watching = false;
	double t0;
	int port, sig = 0, rc = 1;

	memset(&app, 0, sizeof(app));
	rc = settings_read(argc, argv, &s);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = 1;
	if (netlist_parse(s.trusted_proxy, &app.trusted_proxies, err, sizeof(err))) {
		fprintf(stderr, "chiron serve: --trusted-proxy: %s\n", err);
		return 2;
	}
	if (strcmp(s.smtp, "off") == 0)
		s.smtp[0] = '\0';
	mail.url = s.smtp;
	mail.from = s.smtp_from;
	mail.user = s.smtp_user;
	mail.password = getenv("CHIRON_SMTP_PASSWORD");
	mail.insecure = s.smtp_insecure;
	mail.retry_base = s.smtp_retry_base;
	app.sv.ics_max_ms = s.ics_max_ms;
	mail.dir = s.mail_dir;
	mail.clock = &app.sv.clock;
	app.sv.clock.file = s.clock_file[0] ? s.clock_file : NULL;
	if ((s.smtp[0] || s.mail_dir[0]) && mailer_check(&mail, err, sizeof(err))) {
		fprintf(stderr, "chiron serve: %s\n", err);
		return 2;
	}
	if (!s.mail_key[0])
		seal_key_path_default(s.db, s.mail_key, sizeof(s.mail_key));
	{
		/* An older chiron copied every message, links included, to
		 * outbox.log beside the database: say so, once a start. */
		const char *slash = strrchr(s.db, '/');
		char old[1100], head[8] = "";
		FILE *f;

		snprintf(old, sizeof(old), "%.*soutbox.log", slash ? (int)(slash - s.db + 1) : 0, s.db);
		if ((f = fopen(old, "r"))) {
			if (fread(head, 1, 7, f) == 7 && memcmp(head, "---\nto:", 7) == 0)
				fprintf(stderr, "chiron: warning: %s, written by an older chiron, holds the "
				        "full text of its mail (reset links, addresses, bookings): delete it\n",
				        old);
			fclose(f);
		}
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "chiron serve: libsodium could not start\n");
		return 1;
	}

	{
		const char *colon = strrchr(s.listen, ':');
		char *end;
		long p;

		if (!colon || (size_t)(colon - s.listen) >= sizeof(host)) {
			fprintf(stderr, "chiron serve: --listen \"%s\": expected HOST:PORT\n", s.listen);
			return 2;
		}
		memcpy(host, s.listen, (size_t)(colon - s.listen));
		host[colon - s.listen] = '\0';
		errno = 0;
		p = strtol(colon + 1, &end, 10);
		if (errno || *end || p < 1 || p > 65535) {
			fprintf(stderr, "chiron serve: --listen \"%s\": the port must be 1 to 65535\n", s.listen);
			return 2;
		}
		port = (int)p;
	}
	if (!s.public_url[0])
		snprintf(s.public_url, sizeof(s.public_url), "http://%s:%d", host, port);
	else {
		size_t n = strlen(s.public_url);

		if ((strncmp(s.public_url, "https://", 8) != 0 && strncmp(s.public_url, "http://", 7) != 0) ||
		    strpbrk(s.public_url, " \t\r\n\"<>?#")) {
			fprintf(stderr, "chiron serve: --public-url \"%s\": expected http(s)://HOST[:PORT][/PATH]\n",
			        s.public_url);
			return 2;
		}
		while (n && s.public_url[n - 1] == '/')
			s.public_url[--n] = '\0';
	}
	if (directory_compacts(tax, s.compacts[0] ? s.compacts : NULL, &cx, err, sizeof(err))) {
		fprintf(stderr, "chiron serve: %s\n", err);
		return 1;
	}
	st = store_open(s.db, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "chiron serve: %s\n", err);
		return 1;
	}
	/* Held for the server's life (closed at exit): no restore under it. */
	if (cli_db_hold(s.db, 0, err, sizeof(err)) < 0) {
		fprintf(stderr, "chiron serve: %s\n", err);
		goto out;
	}
	{
		int created;

		app.sv.store = st;
		if (sealer_start(&app.sv, s.mail_key, &created, err, sizeof(err))) {
			fprintf(stderr, "chiron serve: %s\n", err);
			goto out;
		}
		if (created)
			fprintf(stderr, "chiron: created the key file %s: back it up apart from the "
			        "database (without it nothing sealed in the database can be read)\n",
			        s.mail_key);
		/* What an older chiron left in the clear (emails, requests,
		 * saved searches) is sealed before anything is served. */
		if (people_seal_legacy(&app.sv, err, sizeof(err))) {
			fprintf(stderr, "chiron serve: %s\n", err);
			goto out;
		}
	}
	{
		/* Bookings, waitlists, closures' notes and busy times an older
		 * chiron kept in the clear: sealed now, once (app/booking_seal.c). */
		long sealed;

		if (booking_seal_legacy(&app.sv, &sealed, err, sizeof(err))) {
			fprintf(stderr, "chiron serve: %s\n", err);
			goto out;
		}
		if (sealed)
			fprintf(stderr, "chiron: sealed %ld booking values kept in the clear by an older "
			        "chiron\n", sealed);
	}
	t0 = now_seconds();
	{
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		lv = live_open(s.db, tax, &cx, (int)(cpus > 0 ? cpus : 1) * 2, err, sizeof(err));
	}
	if (!lv) {
		fprintf(stderr, "chiron serve: %s: %s\n", s.db, err);
		goto out;
	}
	{
		struct snap *sn = live_take(lv);

		fprintf(stderr, "chiron: %u therapists and %u organizations indexed in %.2f s\n",
		        sn->ix->n, sn->ix->n_orgs, now_seconds() - t0);
		live_give(lv, sn);
	}

	/* The ZIP and city table (core/places.c), read now rather than by the
	 * first search that names a place. */
	places_builtin();

	app.sv.session_idle = s.session_idle;
	app.sv.session_max = s.session_max;
	if (s.session_idle > s.session_max) {
		fprintf(stderr, "chiron serve: --session-idle (%ld s) is longer than --session-max "
		        "(%ld s): give an idle time no longer than the whole\n", s.session_idle,
		        s.session_max);
		goto out;
	}
	/* The common passwords, once (app/password_list.h); without them new
	 * passwords are checked for length only, and the operator is told. */
	if (!(common = password_list_load(s.common_passwords, err, sizeof(err))))
		fprintf(stderr, "chiron: warning: %s. New passwords are checked for length only: "
		        "install Debian's cracklib-runtime, or give --common-passwords FILE\n", err);
	app.sv.common_passwords = common;
	app.sv.tax = tax;
	app.sv.public_url = s.public_url;
	app.sv.live = lv;
	app.sv.store = st;
	pthread_mutex_init(&app.log_lock, NULL);
	app.log_addresses = s.log_addresses;
	app.secure_cookies = s.secure_cookies;
	app.api_rate = s.api_rate;
	pthread_mutex_init(&app.rate_lock, NULL);
	pthread_mutex_init(&app.sv.outbox_lock, NULL);
	pthread_mutex_init(&app.conn_lock, NULL);
	randombytes_buf(app.sv.throttle_key, sizeof(app.sv.throttle_key));
	randombytes_buf(app.conn_key, sizeof(app.conn_key));
	app.conn_per_addr = (int)s.conn_per_addr;
	app.conn_max = (int)s.max_connections;
	app.idle_seconds = 15;
	{
		/* Room for every connection allowed, and the files beside them. */
		struct rlimit nf;

		if (getrlimit(RLIMIT_NOFILE, &nf) == 0 && nf.rlim_cur < nf.rlim_max &&
		    nf.rlim_cur < (rlim_t)app.conn_max + 256) {
			nf.rlim_cur = (rlim_t)app.conn_max + 256 < nf.rlim_max ?
			              (rlim_t)app.conn_max + 256 : nf.rlim_max;
			setrlimit(RLIMIT_NOFILE, &nf);
		}
	}
	if (s.outbox_log[0] && strcmp(s.outbox_log, "off") != 0) {
		app.sv.outbox_log = fopen(s.outbox_log, "a");
		if (!app.sv.outbox_log) {
			fprintf(stderr, "chiron serve: %s: %s\n", s.outbox_log, strerror(errno));
			goto out;
		}
	}
	if (strcmp(s.access_log, "-") == 0)
		app.log = stderr;
	else if (s.access_log[0] && strcmp(s.access_log, "off") != 0) {
		app.log = fopen(s.access_log, "a");
		if (!app.log) {
			fprintf(stderr, "chiron serve: %s: %s\n", s.access_log, strerror(errno));
			goto out;
		}
	}
	/* Signals go to sigwait() below, not to the server's threads. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	waits = sigs;
	sigaddset(&waits, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &waits, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* After the mask and SIGPIPE: its thread inherits both. */
	if (s.smtp[0] || s.mail_dir[0]) {
		app.sv.mailer = mailer_start(st, &mail, err, sizeof(err));
		if (!app.sv.mailer) {
			fprintf(stderr, "chiron serve: %s\n", err);
			goto out;
		}
	}
	if (s.mail_dir[0])
		fprintf(stderr, "chiron: mail is delivered to %s/<id>.eml, not sent (--mail-dir)\n",
		        s.mail_dir);
	else if (s.smtp[0]) {
		fprintf(stderr, "chiron: sending the outbox by SMTP through %s%s\n", s.smtp,
		        strncmp(s.smtp, "smtps:", 6) == 0 ? "" :
		        s.smtp_insecure ? " (STARTTLS when offered)" : " (STARTTLS required)");
	}
	/* After the mask: the jobs thread takes no signal either. */
	app.sv.jobs = jobs_start(1024);
	if (!app.sv.jobs) {
		fprintf(stderr, "chiron serve: cannot start the jobs thread\n");
		goto out;
	}
	srv = server_start(&app, host, port, err, sizeof(err));
	if (!srv) {
		fprintf(stderr, "chiron serve: %s\n", err);
		goto out;
	}
	fprintf(stderr, "chiron: serving http://%s:%d/ (Ctrl-C or SIGTERM to stop)\n", host, port);
	{
		struct chores ch = {&app, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
		pthread_t ct;
		int have = pthread_create(&ct, NULL, chores_run, &ch) == 0;

		/* SIGUSR1: the chores once now, and the mailer (for tests). */
		while (sigwait(&waits, &sig) == 0 && sig == SIGUSR1) {
			pthread_mutex_lock(&ch.lock);
			ch.kicked = 1;
			pthread_cond_signal(&ch.wake);
			pthread_mutex_unlock(&ch.lock);
			mailer_wake(app.sv.mailer);
		}
		if (sig == SIGTERM || sig == SIGINT)
			fprintf(stderr, "chiron: %s: finishing the requests in flight\n",
			        sig == SIGTERM ? "SIGTERM" : "SIGINT");
		atomic_store(&app.sv.stopping, 1);
		watch.sigs = sigs;
		atomic_init(&watch.done, 0);
		watching = pthread_create(&wd, NULL, stop_watchdog, &watch) == 0;
		if (have) {
			pthread_mutex_lock(&ch.lock);
			ch.stop = 1;
			pthread_cond_signal(&ch.wake);
			pthread_mutex_unlock(&ch.lock);
			pthread_join(ct, NULL);
		}
	}
	/* The server first: its requests may still post jobs and wake the
	 * mailer; the jobs then, whose mail the mailer may still send. */
	server_stop(srv);
	if (audit_checkpoint(&app.sv, stderr))
		fprintf(stderr, "chiron: audit checkpoint: %s\n", store_errmsg(st));
	rc = 0;
out:
	jobs_stop(app.sv.jobs);
	mailer_stop(app.sv.mailer);
	if (rc == 0)
		fprintf(stderr, "chiron: stopped\n");
	if (app.log && app.log != stderr)
		fclose(app.log);
	if (app.sv.outbox_log)
		fclose(app.sv.outbox_log);
	live_close(lv);
	sealer_stop(&app.sv);
	store_close(st);
	password_list_free(common);
	if (watching) {
		atomic_store(&watch.done, 1);
		pthread_join(wd, NULL);
	}
	return rc;
}
