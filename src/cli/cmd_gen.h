/*
 * cmd_gen.h - "chiron gen": writes a synthetic directory, or queries that
 * fit one, as JSON Lines (see cmd_gen.c for the distributions used).
 */
#ifndef CHIRON_CLI_CMD_GEN_H
#define CHIRON_CLI_CMD_GEN_H

/*
 * Runs "chiron gen". argv[0] is "gen"; the rest are its flags
 * (--therapists, --orgs, --seed, --queries, --out, --help). Returns the
 * process exit status: 0 on success, 1 when the output cannot be written,
 * 2 on a usage error (the message, naming the bad flag, is on stderr).
 * Reads and keeps no pointer into argv after it returns.
 */
int cmd_gen(int argc, char **argv);

#endif /* CHIRON_CLI_CMD_GEN_H */
