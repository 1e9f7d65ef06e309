/*
 * main.c: chiron's entry point and command table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_gen.h"

struct command {
	const char *name;
	int (*fn)(int, char **);
	const char *usage;
};

static const struct command commands[] = {
	{"import", cmd_import, "import [--db PATH] FILE|-      load JSON Lines records (all or nothing)"},
	{"export", cmd_export, "export [--db PATH] [FILE|-]    write the directory as JSON Lines"},
	{"match", cmd_match, "match [--db PATH] [--compacts FILE] [--jsonl] QUERY.json|-"},
	{"serve", cmd_serve, "serve [--db PATH] [--listen HOST:PORT] [--compacts FILE] [--config FILE]"},
	{"backup", cmd_backup, "backup FILE [--db PATH] [--force]    a checked copy of the database, while it serves"},
	{"restore", cmd_restore,
	 "restore BACKUP [--db PATH] [--key-file FILE] [--force]   put a backup in place (server stopped)"},
	{"user", cmd_user, "user add --handle H --email E --role seeker|therapist|admin [--password-stdin]"},
	{"rekey", cmd_rekey, "rekey [--db PATH] [--key-file FILE]   a new master key; every data key re-wrapped"},
	{"audit", cmd_audit, "audit verify [--db PATH] [--key-file FILE] [--checkpoints LOG]   check the audit trail"},
	{"gen", cmd_gen, "gen --therapists N [--seed S] | --queries Q ...   synthetic data"},
	{"bench-schedule", cmd_bench_schedule,
	 "bench-schedule [--quick] [--json] [--dir DIR] ...   slot search and booking figures (make bench, step 5)"},
	{"bench-names", cmd_bench_names,
	 "bench-names [--db PATH] [--json]   ZIP, city and organization-name lookup figures (make bench, step 6)"},
	{"bench-edit", cmd_bench_edit,
	 "bench-edit --db PATH --queries FILE [--edits N] [--json]   listing edits into searches (make bench, step 3b)"},
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "chiron: a confidential directory and matcher of therapists for clinicians\n\nusage:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  chiron %s\n", commands[i].usage);
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	if (strcmp(argv[1], "outbox") == 0)     /* hidden: for tests (cmd_outbox.c) */
		return cmd_outbox(argc - 1, argv + 1);
	if (strcmp(argv[1], "throttle") == 0)   /* hidden: for tests (cmd_seed.c) */
		return cmd_throttle(argc - 1, argv + 1);
	if (strcmp(argv[1], "request") == 0)    /* hidden: for tests (cmd_seed.c) */
		return cmd_request(argc - 1, argv + 1);
	if (strcmp(argv[1], "listing") == 0)    /* hidden: for tests (cmd_seed.c) */
		return cmd_listing(argc - 1, argv + 1);
	if (strcmp(argv[1], "appointment") == 0) /* hidden: for tests (cmd_seed.c) */
		return cmd_appointment(argc - 1, argv + 1);
	if (strcmp(argv[1], "busy") == 0)       /* hidden: for tests (cmd_seed.c) */
		return cmd_busy(argc - 1, argv + 1);
	if (strcmp(argv[1], "sessions") == 0)   /* hidden: for tests (cmd_seed.c) */
		return cmd_sessions(argc - 1, argv + 1);
	if (strcmp(argv[1], "profile") == 0)    /* hidden: for tests (cmd_seed.c) */
		return cmd_profile(argc - 1, argv + 1);
	if (strcmp(argv[1], "series") == 0)     /* hidden: for tests (cmd_seed.c) */
		return cmd_series(argc - 1, argv + 1);
	if (strcmp(argv[1], "account") == 0)    /* hidden: for tests (cmd_seed.c) */
		return cmd_account(argc - 1, argv + 1);
	fprintf(stderr, "chiron: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
