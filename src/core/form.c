/*
 * form.c: urlencoded text (form.h).
 */
#include <string.h>

#include "core/form.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
form_decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	if (!cap)
		return 0;
	for (i = 0; i < n && o + 1 < cap; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			out[o++] = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return o;
}

int
form_value(const char *text, const char *key, char *out, size_t cap)
{
	size_t k = strlen(key);
	const char *p = text;

	if (cap)
		out[0] = '\0';
	while (p && *p) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);

		if (len > k && strncmp(p, key, k) == 0 && p[k] == '=') {
			form_decode(p + k + 1, len - k - 1, out, cap);
			return 0;
		}
		p = amp ? amp + 1 : NULL;
	}
	return -1;
}
