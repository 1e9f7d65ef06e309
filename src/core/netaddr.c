/*
 * netaddr.c: client addresses and trusted proxies (netaddr.h).
 *
 * inet_pton does the parsing (it is pure: no lookup, no I/O); everything
 * is copied to a bounded buffer first, since header values are not
 * NUL-ended where they stop.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/netaddr.h"

int
netaddr_parse(const char *s, size_t len, bool allow_prefix, struct netaddr *out)
{
	char text[INET6_ADDRSTRLEN + 8];
	const char *slash;
	size_t alen;
	long bits = -1;
	unsigned char v4[4];

	memset(out, 0, sizeof(*out));
	if (len == 0 || len >= sizeof(text))
		return -1;
	memcpy(text, s, len);
	text[len] = '\0';
	slash = strchr(text, '/');
	alen = slash ? (size_t)(slash - text) : len;
	if (slash) {
		char *end;

		if (!allow_prefix || slash[1] < '0' || slash[1] > '9')
			return -1;
		bits = strtol(slash + 1, &end, 10);
		if (*end || end - (slash + 1) > 3)
			return -1;
		text[alen] = '\0';
	}
	if (inet_pton(AF_INET, text, v4) == 1) {
		if (bits > 32)
			return -1;
		out->b[10] = 0xff;
		out->b[11] = 0xff;
		memcpy(out->b + 12, v4, 4);
		out->bits = bits < 0 ? 128 : 96 + (int)bits;
		return 0;
	}
	if (inet_pton(AF_INET6, text, out->b) == 1) {
		if (bits > 128)
			return -1;
		out->bits = bits < 0 ? 128 : (int)bits;
		return 0;
	}
	return -1;
}

static bool
mapped_v4(const struct netaddr *a)
{
	static const unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	return memcmp(a->b, prefix, 12) == 0;
}

void
netaddr_format(const struct netaddr *a, char out[64])
{
	char t[INET6_ADDRSTRLEN] = "?";

	if (mapped_v4(a))
		inet_ntop(AF_INET, a->b + 12, t, sizeof(t));
	else
		inet_ntop(AF_INET6, a->b, t, sizeof(t));
	if (a->bits < 128)
		snprintf(out, 64, "%s/%d", t, mapped_v4(a) ? a->bits - 96 : a->bits);
	else
		snprintf(out, 64, "%s", t);
}

bool
netaddr_in(const struct netaddr *n, const struct netaddr *a)
{
	int full = n->bits / 8, rest = n->bits % 8;

	if (memcmp(n->b, a->b, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((n->b[full] ^ a->b[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

int
netlist_parse(const char *s, struct netlist *l, char *err, size_t errlen)
{
	const char *p = s;

	memset(l, 0, sizeof(*l));
	for (;;) {
		const char *e;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		for (e = p; *e && *e != ' ' && *e != ',' && *e != '\t'; e++)
			;
		if (l->n == NETLIST_MAX) {
			snprintf(err, errlen, "at most %d addresses or networks", NETLIST_MAX);
			return -1;
		}
		if (netaddr_parse(p, (size_t)(e - p), true, &l->v[l->n])) {
			snprintf(err, errlen, "\"%.*s\" is not an IP address or network (like 10.0.0.1 "
			         "or 10.0.0.0/8)", (int)(e - p > 64 ? 64 : e - p), p);
			return -1;
		}
		l->n++;
		p = e;
	}
}

bool
netlist_has(const struct netlist *l, const struct netaddr *a)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (netaddr_in(&l->v[i], a))
			return true;
	return false;
}

bool
forwarded_client(const struct netlist *trusted, const struct netaddr *peer, const char *xff,
                 struct netaddr *out)
{
	const char *end;
	struct netaddr hop = *peer, a;
	bool from_header = false;

	*out = *peer;
	if (!xff || !trusted || !netlist_has(trusted, peer))
		return false;
	end = xff + strlen(xff);
	while (end > xff) {
		const char *start, *e = end;

		while (e > xff && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		for (start = e; start > xff && start[-1] != ','; start--)
			;
		end = start > xff ? start - 1 : xff;
		while (start < e && (*start == ' ' || *start == '\t'))
			start++;
		if (start == e)
			continue;                       /* an empty entry: ", ," */
		if (netaddr_parse(start, (size_t)(e - start), false, &a))
			break;                          /* not an address: stop at the last hop */
		hop = a;
		from_header = true;
		if (!netlist_has(trusted, &a))
			break;
	}
	*out = hop;
	return from_header;
}
