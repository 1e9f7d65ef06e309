/*
 * fuzz_checkpoint.c: the reader of the audit trail's checkpoint lines
 * (core/audit_line.h), which `chiron audit verify --checkpoints LOG`
 * runs over every line of a server's log: text anyone who could write
 * to the log chose.
 *
 * The input: one line's bytes (NULs and newlines included). Promises
 * checked: the answer is -1, 0 or 1; 0 when the tag is not in the line;
 * a line read (1) has a number of 1 or more, and writing that number and
 * hash back gives a line that reads back the same; a line as written
 * reads back whatever precedes it.
 */
#include <string.h>

#include "fuzz.h"

#include "core/audit_line.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char tag[] = AUDIT_LINE_TAG;
	unsigned char hash[32], back[32];
	char line[AUDIT_LINE_MAX], joined[AUDIT_LINE_MAX + 256];
	int64_t seq = 0, seq2 = 0;
	int r = audit_line_parse((const char *)data, size, &seq, hash);

	FUZZ_CHECK(r >= -1 && r <= 1);
	if (!memmem(data, size, tag, sizeof(tag) - 1))
		FUZZ_CHECK(r == 0);
	if (r == 1) {
		FUZZ_CHECK(seq >= 1);
		audit_line_format(seq, hash, line);
		FUZZ_CHECK(audit_line_parse(line, strlen(line), &seq2, back) == 1);
		FUZZ_CHECK(seq2 == seq && memcmp(hash, back, 32) == 0);
	}
	/* Any prefix (a time stamp, a host name) before a line as written. */
	if (size <= 256 && !memmem(data, size, "\n", 1) && !memmem(data, size, "\r", 1)) {
		memset(hash, 0xa5, sizeof(hash));
		audit_line_format(77, hash, line);
		memcpy(joined, data, size);
		memcpy(joined + size, line, strlen(line) + 1);
		r = audit_line_parse(joined, size + strlen(line), &seq2, back);
		/* The input may hold a tag itself, which then is read first. */
		FUZZ_CHECK(r != 0);
		if (!memmem(data, size, tag, sizeof(tag) - 1))
			FUZZ_CHECK(r == 1 && seq2 == 77 && memcmp(back, hash, 32) == 0);
	}
	return 0;
}
