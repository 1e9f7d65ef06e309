/*
 * cmd_serve.c: `chiron serve`: the website and the JSON API.
 *
 *   chiron serve [--db PATH] [--listen HOST:PORT] [--compacts FILE]
 *                [--access-log PATH|-] [--log-addresses] [--config FILE]
 *                [--smtp URL|off] [--smtp-from ADDRESS] [--smtp-user NAME]
 *                [--smtp-insecure]
 *
 * Settings come from, in this order of precedence: the flags, the
 * environment (CHIRON_DB, CHIRON_LISTEN, CHIRON_COMPACTS,
 * CHIRON_ACCESS_LOG, CHIRON_OUTBOX_LOG, CHIRON_SECURE_COOKIES=1,
 * CHIRON_SMTP, CHIRON_SMTP_FROM, CHIRON_SMTP_USER, CHIRON_SMTP_INSECURE=1,
 * CHIRON_PUBLIC_URL, CHIRON_MAIL_KEY_FILE, CHIRON_MAIL_DIR),
 * a config file of `key = value` lines (db, listen, compacts, access_log,
 * outbox_log, log_addresses, secure_cookies, api_rate, smtp, smtp_from,
 * smtp_user, smtp_insecure, public_url, mail_key, mail_dir; # starts a
 * comment), and the defaults (var/chiron.db, 127.0.0.1:8080, the shipped
 * compacts, an access log on stderr without addresses, no outbox log, the
 * mail key chiron.key beside the database (created when missing), cookies
 * without Secure: set it behind TLS, and at most 600
 * API requests a minute from one address: --api-rate 0 lifts the limit). SIGTERM or SIGINT stops accepting,
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
#include "app/mail_key.h"
#include "app/mailer.h"
#include "cli/progress.h"
#include "app/services.h"
#include "web/auth.h"
#include "web/http.h"

struct settings {
	char db[1024], listen[128], compacts[1024], access_log[1024], outbox_log[1024];
	char mail_key[1024], mail_dir[1024];
	char smtp[1024], smtp_from[320], smtp_user[256];
	char public_url[512], trusted_proxy[1024];
	int log_addresses, secure_cookies, smtp_insecure;
	long conn_per_addr, max_connections;    /* -1 when not set */
	long api_rate;                  /* -1 when not set */
	long smtp_retry_base;           /* -1 when not set */
};

static int
usage_serve(void)
{
	fprintf(stderr, "usage: chiron serve [--db PATH] [--listen HOST:PORT] [--compacts FILE]\n"
	                "                    [--access-log PATH|-|off] [--log-addresses] [--outbox-log PATH|off]\n"
	                "                    [--secure-cookies] [--api-rate N] [--config FILE]\n"
	                "                    [--smtp smtp://HOST[:PORT]|smtps://HOST[:PORT]|off]\n"
	                "                    [--smtp-from ADDRESS] [--smtp-user NAME] [--smtp-insecure]\n"
	                "                    [--public-url https://HOST] [--trusted-proxy ADDR[,ADDR...]]\n"
	                "                    [--connections-per-address N] [--max-connections N]\n"
	                "                    [--mail-key FILE] [--mail-dir DIR]\n"
	                "  The SMTP password is read from CHIRON_SMTP_PASSWORD only.\n");
	return 2;
}

static void
set(char *dst, size_t n, const char *v)
{
	snprintf(dst, n, "%s", v);
}

/* A whole number from min to 1,000,000 into *out; -1 when v is not one. */
static int
count_arg(const char *v, long min, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > 1000000)
		return -1;
	*out = n;
	return 0;
}

static int
read_config(const char *path, struct settings *s)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	int lineno = 0;

	if (!f) {
		fprintf(stderr, "chiron serve: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *k = line, *v, *e;

		lineno++;
		while (*k == ' ' || *k == '\t')
			k++;
		if (*k == '#' || *k == '\n' || !*k)
			continue;
		v = strchr(k, '=');
		if (!v) {
			fprintf(stderr, "chiron serve: %s:%d: expected key = value\n", path, lineno);
			fclose(f);
			return -1;
		}
		*v++ = '\0';
		for (e = v + strlen(v); e > v && (e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		for (e = k + strlen(k); e > k && (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		if (strcmp(k, "db") == 0)
			set(s->db, sizeof(s->db), v);
		else if (strcmp(k, "listen") == 0)
			set(s->listen, sizeof(s->listen), v);
		else if (strcmp(k, "compacts") == 0)
			set(s->compacts, sizeof(s->compacts), v);
		else if (strcmp(k, "access_log") == 0)
			set(s->access_log, sizeof(s->access_log), v);
		else if (strcmp(k, "outbox_log") == 0)
			set(s->outbox_log, sizeof(s->outbox_log), v);
		else if (strcmp(k, "log_addresses") == 0)
			s->log_addresses = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
		else if (strcmp(k, "api_rate") == 0)
			s->api_rate = strtol(v, NULL, 10);
		else if (strcmp(k, "secure_cookies") == 0)
			s->secure_cookies = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
		else if (strcmp(k, "smtp") == 0)
			set(s->smtp, sizeof(s->smtp), v);
		else if (strcmp(k, "public_url") == 0)
			set(s->public_url, sizeof(s->public_url), v);
		else if (strcmp(k, "trusted_proxy") == 0)
			set(s->trusted_proxy, sizeof(s->trusted_proxy), v);
		else if (strcmp(k, "connections_per_address") == 0 ||
		         strcmp(k, "max_connections") == 0) {
			long *dst = k[0] == 'c' ? &s->conn_per_addr : &s->max_connections;

			if (count_arg(v, k[0] == 'c' ? 0 : 1, dst)) {
				fprintf(stderr, "chiron serve: %s:%d: %s \"%s\": a whole number%s\n", path,
				        lineno, k, v, k[0] == 'c' ? " (0: no limit)" : ", 1 or more");
				fclose(f);
				return -1;
			}
		}
		else if (strcmp(k, "smtp_from") == 0)
			set(s->smtp_from, sizeof(s->smtp_from), v);
		else if (strcmp(k, "smtp_user") == 0)
			set(s->smtp_user, sizeof(s->smtp_user), v);
		else if (strcmp(k, "mail_key") == 0)
			set(s->mail_key, sizeof(s->mail_key), v);
		else if (strcmp(k, "mail_dir") == 0)
			set(s->mail_dir, sizeof(s->mail_dir), v);
		else if (strcmp(k, "smtp_insecure") == 0)
			s->smtp_insecure = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
		else if (strcmp(k, "smtp_password") == 0) {
			fprintf(stderr, "chiron serve: %s:%d: the SMTP password goes in the "
			        "environment (CHIRON_SMTP_PASSWORD), not in a file\n", path, lineno);
			fclose(f);
			return -1;
		} else {
			fprintf(stderr, "chiron serve: %s:%d: unknown setting \"%s\"\n", path, lineno, k);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static void
from_env(const char *name, char *dst, size_t n)
{
	const char *v = getenv(name);

	if (v && *v)
		set(dst, n, v);
}

/*
 * The chores: hourly (and once at start), the confirmation reminders and
 * the reminders of the next 24 hours' sessions go to the outbox, and
 * throttles forget attempts older than a day, sign-ups their expired links. (Pausing unconfirmed listings is the index builder's,
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
	sigset_t sigs;                  /* SIGTERM and SIGINT, blocked in every thread */
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
	struct settings s, flags;
	struct compacts cx;
	struct store *st = NULL;
	struct live *lv = NULL;
	struct server *srv = NULL;
	struct app app;
	struct mailer_config mail;
	const char *config = NULL, *clock_file = NULL;
	char err[600], host[64];
	sigset_t sigs, waits;
	struct stop_watch watch;
	pthread_t wd;
	bool watching = false;
	double t0;
	int i, port, sig = 0, rc = 1;

	memset(&s, 0, sizeof(s));
	memset(&flags, 0, sizeof(flags));
	memset(&app, 0, sizeof(app));
	flags.api_rate = -1;
	s.api_rate = 600;
	flags.smtp_retry_base = -1;
	s.smtp_retry_base = 60;
	flags.conn_per_addr = flags.max_connections = -1;
	s.conn_per_addr = 32;
	s.max_connections = 1000;
	set(s.db, sizeof(s.db), DEFAULT_DB);
	set(s.listen, sizeof(s.listen), "127.0.0.1:8080");
	set(s.access_log, sizeof(s.access_log), "-");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			set(flags.db, sizeof(flags.db), argv[++i]);
		else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			set(flags.listen, sizeof(flags.listen), argv[++i]);
		else if (strcmp(argv[i], "--compacts") == 0 && i + 1 < argc)
			set(flags.compacts, sizeof(flags.compacts), argv[++i]);
		else if (strcmp(argv[i], "--access-log") == 0 && i + 1 < argc)
			set(flags.access_log, sizeof(flags.access_log), argv[++i]);
		else if (strcmp(argv[i], "--outbox-log") == 0 && i + 1 < argc)
			set(flags.outbox_log, sizeof(flags.outbox_log), argv[++i]);
		else if (strcmp(argv[i], "--log-addresses") == 0)
			flags.log_addresses = 1;
		else if (strcmp(argv[i], "--secure-cookies") == 0)
			flags.secure_cookies = 1;
		else if (strcmp(argv[i], "--api-rate") == 0 && i + 1 < argc) {
			char *end;

			flags.api_rate = strtol(argv[++i], &end, 10);
			if (*end || flags.api_rate < 0) {
				fprintf(stderr, "chiron serve: --api-rate \"%s\": a whole number of requests a minute (0: no limit)\n", argv[i]);
				return 2;
			}
		}
		else if (strcmp(argv[i], "--smtp") == 0 && i + 1 < argc)
			set(flags.smtp, sizeof(flags.smtp), argv[++i]);
		else if (strcmp(argv[i], "--public-url") == 0 && i + 1 < argc)
			set(flags.public_url, sizeof(flags.public_url), argv[++i]);
		else if (strcmp(argv[i], "--trusted-proxy") == 0 && i + 1 < argc)
			set(flags.trusted_proxy, sizeof(flags.trusted_proxy), argv[++i]);
		else if (strcmp(argv[i], "--connections-per-address") == 0 && i + 1 < argc) {
			if (count_arg(argv[++i], 0, &flags.conn_per_addr)) {
				fprintf(stderr, "chiron serve: --connections-per-address \"%s\": a whole number (0: no limit)\n", argv[i]);
				return 2;
			}
		}
		else if (strcmp(argv[i], "--max-connections") == 0 && i + 1 < argc) {
			if (count_arg(argv[++i], 1, &flags.max_connections)) {
				fprintf(stderr, "chiron serve: --max-connections \"%s\": a whole number, 1 or more\n", argv[i]);
				return 2;
			}
		}
		else if (strcmp(argv[i], "--smtp-from") == 0 && i + 1 < argc)
			set(flags.smtp_from, sizeof(flags.smtp_from), argv[++i]);
		else if (strcmp(argv[i], "--smtp-user") == 0 && i + 1 < argc)
			set(flags.smtp_user, sizeof(flags.smtp_user), argv[++i]);
		else if (strcmp(argv[i], "--smtp-insecure") == 0)
			flags.smtp_insecure = 1;
		else if (strcmp(argv[i], "--mail-key") == 0 && i + 1 < argc)
			set(flags.mail_key, sizeof(flags.mail_key), argv[++i]);
		else if (strcmp(argv[i], "--mail-dir") == 0 && i + 1 < argc)
			set(flags.mail_dir, sizeof(flags.mail_dir), argv[++i]);
		else if (strcmp(argv[i], "--smtp-retry-base") == 0 && i + 1 < argc) {
			char *end;

			flags.smtp_retry_base = strtol(argv[++i], &end, 10);
			if (*end || flags.smtp_retry_base < 1) {
				fprintf(stderr, "chiron serve: --smtp-retry-base \"%s\": a whole number of seconds, 1 or more\n", argv[i]);
				return 2;
			}
		}
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if (strcmp(argv[i], "--clock-file") == 0 && i + 1 < argc)
			clock_file = argv[++i];         /* hidden: for tests */
		else
			return usage_serve();
	}
	if (config && read_config(config, &s))
		return 1;
	from_env("CHIRON_DB", s.db, sizeof(s.db));
	from_env("CHIRON_LISTEN", s.listen, sizeof(s.listen));
	from_env("CHIRON_COMPACTS", s.compacts, sizeof(s.compacts));
	from_env("CHIRON_ACCESS_LOG", s.access_log, sizeof(s.access_log));
	from_env("CHIRON_OUTBOX_LOG", s.outbox_log, sizeof(s.outbox_log));
	if (getenv("CHIRON_SECURE_COOKIES") && strcmp(getenv("CHIRON_SECURE_COOKIES"), "1") == 0)
		s.secure_cookies = 1;
	from_env("CHIRON_SMTP", s.smtp, sizeof(s.smtp));
	from_env("CHIRON_SMTP_FROM", s.smtp_from, sizeof(s.smtp_from));
	from_env("CHIRON_PUBLIC_URL", s.public_url, sizeof(s.public_url));
	from_env("CHIRON_TRUSTED_PROXY", s.trusted_proxy, sizeof(s.trusted_proxy));
	from_env("CHIRON_SMTP_USER", s.smtp_user, sizeof(s.smtp_user));
	if (getenv("CHIRON_SMTP_INSECURE") && strcmp(getenv("CHIRON_SMTP_INSECURE"), "1") == 0)
		s.smtp_insecure = 1;
	from_env("CHIRON_MAIL_KEY_FILE", s.mail_key, sizeof(s.mail_key));
	from_env("CHIRON_MAIL_DIR", s.mail_dir, sizeof(s.mail_dir));
	if (flags.db[0]) set(s.db, sizeof(s.db), flags.db);
	if (flags.listen[0]) set(s.listen, sizeof(s.listen), flags.listen);
	if (flags.compacts[0]) set(s.compacts, sizeof(s.compacts), flags.compacts);
	if (flags.access_log[0]) set(s.access_log, sizeof(s.access_log), flags.access_log);
	if (flags.outbox_log[0]) set(s.outbox_log, sizeof(s.outbox_log), flags.outbox_log);
	if (flags.log_addresses) s.log_addresses = 1;
	if (flags.secure_cookies) s.secure_cookies = 1;
	if (flags.api_rate >= 0) s.api_rate = flags.api_rate;
	if (flags.smtp[0]) set(s.smtp, sizeof(s.smtp), flags.smtp);
	if (flags.smtp_from[0]) set(s.smtp_from, sizeof(s.smtp_from), flags.smtp_from);
	if (flags.public_url[0]) set(s.public_url, sizeof(s.public_url), flags.public_url);
	if (flags.trusted_proxy[0]) set(s.trusted_proxy, sizeof(s.trusted_proxy), flags.trusted_proxy);
	if (flags.conn_per_addr >= 0) s.conn_per_addr = flags.conn_per_addr;
	if (flags.max_connections >= 0) s.max_connections = flags.max_connections;
	if (netlist_parse(s.trusted_proxy, &app.trusted_proxies, err, sizeof(err))) {
		fprintf(stderr, "chiron serve: --trusted-proxy: %s\n", err);
		return 2;
	}
	if (flags.smtp_user[0]) set(s.smtp_user, sizeof(s.smtp_user), flags.smtp_user);
	if (flags.smtp_insecure) s.smtp_insecure = 1;
	if (flags.mail_key[0]) set(s.mail_key, sizeof(s.mail_key), flags.mail_key);
	if (flags.mail_dir[0]) set(s.mail_dir, sizeof(s.mail_dir), flags.mail_dir);
	if (flags.smtp_retry_base > 0) s.smtp_retry_base = flags.smtp_retry_base;
	if (strcmp(s.smtp, "off") == 0)
		s.smtp[0] = '\0';
	mail.url = s.smtp;
	mail.from = s.smtp_from;
	mail.user = s.smtp_user;
	mail.password = getenv("CHIRON_SMTP_PASSWORD");
	mail.insecure = s.smtp_insecure;
	mail.retry_base = s.smtp_retry_base;
	mail.dir = s.mail_dir;
	mail.clock = &app.sv.clock;
	app.sv.clock.file = clock_file;
	if ((s.smtp[0] || s.mail_dir[0]) && mailer_check(&mail, err, sizeof(err))) {
		fprintf(stderr, "chiron serve: %s\n", err);
		return 2;
	}
	if (!s.mail_key[0])
		mail_key_default(s.db, s.mail_key, sizeof(s.mail_key));
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
	{
		unsigned char key[STORE_MAIL_KEY_BYTES];
		int created, bad;

		if (mail_key_load(s.mail_key, key, &created, err, sizeof(err))) {
			fprintf(stderr, "chiron serve: %s\n", err);
			goto out;
		}
		if (created)
			fprintf(stderr, "chiron: created the mail key %s (back it up apart from the "
			        "database: without it the unsent mail cannot be read)\n",
			        s.mail_key);
		bad = STORE_CALL(st, set_mail_key, key);
		sodium_memzero(key, sizeof(key));
		if (bad) {
			fprintf(stderr, "chiron serve: %s\n", store_errmsg(st));
			goto out;
		}
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
	store_close(st);
	if (watching) {
		atomic_store(&watch.done, 1);
		pthread_join(wd, NULL);
	}
	return rc;
}
