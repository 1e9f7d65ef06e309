/*
 * audit_line.h (src/core): the checkpoint line of the audit trail, as
 * `chiron serve` writes it to its log and `chiron audit verify
 * --checkpoints LOG` reads it back (app/audit.c has the design):
 *
 *   chiron: audit checkpoint SEQ HASH
 *
 * SEQ the decimal number of the trail's last entry (1 or more), HASH its
 * chain hash as 64 lower-case hex digits. Pure: no I/O.
 */
#ifndef CHIRON_CORE_AUDIT_LINE_H
#define CHIRON_CORE_AUDIT_LINE_H

#include <stddef.h>
#include <stdint.h>

#define AUDIT_LINE_TAG "chiron: audit checkpoint "
#define AUDIT_LINE_MAX 128              /* bytes with the NUL, newline included */

/* The line for seq and hash, newline-ended, into out (AUDIT_LINE_MAX bytes). */
void audit_line_format(int64_t seq, const unsigned char hash[32], char out[AUDIT_LINE_MAX]);

/*
 * Reads one line of a log (n bytes, not NUL-terminated; a final newline
 * or CR allowed): 1 with *seq and hash when it is a checkpoint line (the
 * tag may follow other text, such as a time stamp a log collector put
 * first), 0 when it is not one. A line with the tag but a malformed
 * number or hash is -1: the log was damaged where a checkpoint stood.
 */
int audit_line_parse(const char *line, size_t n, int64_t *seq, unsigned char hash[32]);

#endif
