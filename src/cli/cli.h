/*
 * cli.h: chiron's commands. Each takes the arguments after "chiron"
 * (argv[0] is the command's name) and returns the process exit status:
 * 0 done, 1 bad input or a failure named on stderr, 2 bad usage.
 */
#ifndef CHIRON_CLI_H
#define CHIRON_CLI_H

#include <stddef.h>

#include "core/taxonomy.h"

#define DEFAULT_DB "var/chiron.db"

int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_rekey(int argc, char **argv);
/* Online backup and restore of the database (cmd_backup.c). */
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
/*
 * A hold on database db (flock on the file): shared for a server, which
 * keeps it for its life, exclusive for a restore, so neither happens
 * under the other. Returns the descriptor that holds it (close it to let
 * go), or -1 with the reason in plain words in err.
 */
int cli_db_hold(const char *db, int exclusive, char *err, size_t errlen);
/* The audit trail checked against its chain and the log's checkpoints (cmd_audit.c). */
int cmd_audit(int argc, char **argv);
/* Hidden, for tests: a sealed message into the outbox (cmd_outbox.c). */
int cmd_outbox(int argc, char **argv);
/* Hidden, for tests: data the web makes slowly or not at all (cmd_seed.c). */
int cmd_throttle(int argc, char **argv);
int cmd_request(int argc, char **argv);
int cmd_listing(int argc, char **argv);
int cmd_appointment(int argc, char **argv);
int cmd_busy(int argc, char **argv);
int cmd_sessions(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_series(int argc, char **argv);
int cmd_account(int argc, char **argv);
/* Slot search and booking throughput on a temporary store (cmd_bench_schedule.c). */
int cmd_bench_schedule(int argc, char **argv);
/* Places and organization names: lookup figures (cmd_bench_names.c). */
int cmd_bench_names(int argc, char **argv);
/* How soon a listing's edit is in searches, on an imported store (cmd_bench_edit.c). */
int cmd_bench_edit(int argc, char **argv);

struct services;
struct store;
/*
 * Opens the store at db for command `cmd` with its key file (keyfile, or
 * CHIRON_KEY_FILE, or chiron.key beside db) read into sv (services_init,
 * sealer_start), as `chiron serve` does. NULL with the reason on stderr.
 * Close with cli_close_sealed.
 */
struct store *cli_open_sealed(const char *cmd, const char *db, const char *keyfile,
                              struct services *sv);
void cli_close_sealed(struct services *sv);

/* The taxonomy compiled into the binary; exits with a message if broken. */
const struct taxonomy *cli_taxonomy(void);
/* The p-th quantile (0 to 1) of the n seconds in v, in milliseconds;
 * sorts v. 0 when n is 0. For the benches' figures. */
double cli_quantile_ms(double *v, size_t n, double p);

#endif
