/*
 * audit_line.c: the audit trail's checkpoint line (audit_line.h).
 */
#include <stdio.h>
#include <string.h>

#include "core/audit_line.h"

void
audit_line_format(int64_t seq, const unsigned char hash[32], char out[AUDIT_LINE_MAX])
{
	static const char hexd[] = "0123456789abcdef";
	char hex[65];
	int i;

	for (i = 0; i < 32; i++) {
		hex[2 * i] = hexd[hash[i] >> 4];
		hex[2 * i + 1] = hexd[hash[i] & 15];
	}
	hex[64] = '\0';
	snprintf(out, AUDIT_LINE_MAX, AUDIT_LINE_TAG "%lld %s\n", (long long)seq, hex);
}

static int
hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
audit_line_parse(const char *line, size_t n, int64_t *seq, unsigned char hash[32])
{
	static const char tag[] = AUDIT_LINE_TAG;
	const size_t tn = sizeof(tag) - 1;
	size_t i;
	int64_t v = 0;
	int digits = 0, k, found = 0;

	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	for (i = 0; i + tn <= n; i++)
		if (memcmp(line + i, tag, tn) == 0) {
			found = 1;
			break;
		}
	if (!found)
		return 0;
	i += tn;
	/* SEQ: 1 to 18 digits, no leading zero. */
	if (i >= n || line[i] < '1' || line[i] > '9')
		return -1;
	while (i < n && line[i] >= '0' && line[i] <= '9') {
		if (++digits > 18)
			return -1;
		v = v * 10 + (line[i++] - '0');
	}
	if (i >= n || line[i++] != ' ' || n - i != 64)
		return -1;
	for (k = 0; k < 32; k++) {
		int hi = hex_val(line[i + 2 * (size_t)k]), lo = hex_val(line[i + 2 * (size_t)k + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		hash[k] = (unsigned char)(hi << 4 | lo);
	}
	*seq = v;
	return 1;
}
