/*
 * form.c: urlencoded text (form.h).
 */
#include <string.h>

#include "core/buf.h"
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

enum utf8_err
form_decode_text(const char *s, size_t n, char *out, size_t cap, size_t *len)
{
	size_t i, o = 0;
	enum utf8_err e;

	*len = 0;
	if (!cap)
		return UTF8_OK;
	for (i = 0; i < n && o + 1 < cap; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			out[o++] = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			i += 2;
		} else
			out[o++] = s[i];
	}
	if (i < n)                      /* cut to the buffer: between characters */
		o = utf8_trim(out, o);
	out[o] = '\0';
	e = utf8_check(out, o);
	if (e) {
		out[0] = '\0';
		return e;
	}
	*len = o;
	return UTF8_OK;
}

size_t
form_decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t len;

	return form_decode_text(s, n, out, cap, &len) ? 0 : len;
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
			size_t n;

			return form_decode_text(p + k + 1, len - k - 1, out, cap, &n) ? -1 : 0;
		}
		p = amp ? amp + 1 : NULL;
	}
	return -1;
}

int
form_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
			if (buf_addc(b, (char)c))
				return -1;
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};

			if (buf_add(b, e, 3))
				return -1;
		}
	}
	return 0;
}
