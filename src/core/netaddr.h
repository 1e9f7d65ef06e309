/*
 * netaddr.h: client addresses, pure and small. An IPv4 or IPv6 address
 * (with a prefix length for a network), a list of networks (the trusted
 * proxies of --trusted-proxy), and the one rule that decides who a
 * client is behind those proxies (forwarded_client). No I/O: the server
 * passes in the peer's address and the X-Forwarded-For header it got.
 */
#ifndef CHIRON_NETADDR_H
#define CHIRON_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

/* An address: IPv4 is kept as an IPv4-mapped IPv6 address (::ffff:a.b.c.d),
 * so one comparison serves both; bits is the prefix length (128 for one
 * address). */
struct netaddr {
	unsigned char b[16];
	int bits;
};

#define NETLIST_MAX 32

struct netlist {
	struct netaddr v[NETLIST_MAX];
	int n;
};

/*
 * Parses one address ("192.0.2.7", "2001:db8::1") or, when allow_prefix,
 * a network ("10.0.0.0/8", "2001:db8::/32"). Surrounding spaces are not
 * allowed. Returns 0, or -1 when s is not one.
 */
int netaddr_parse(const char *s, size_t len, bool allow_prefix, struct netaddr *out);

/* Writes a in its usual text form (a.b.c.d for IPv4) into out (64 bytes). */
void netaddr_format(const struct netaddr *a, char out[64]);

/* Does network n contain address a? */
bool netaddr_in(const struct netaddr *n, const struct netaddr *a);

/*
 * Parses a list of addresses and networks separated by commas or spaces
 * ("127.0.0.1, 10.0.0.0/8"). Returns 0, or -1 with the reason in err
 * (errlen bytes), naming the entry that is wrong.
 */
int netlist_parse(const char *s, struct netlist *l, char *err, size_t errlen);

bool netlist_has(const struct netlist *l, const struct netaddr *a);

/*
 * Who the client is. When the peer (the address that connected) is not a
 * trusted proxy, or there is no X-Forwarded-For (xff NULL), it is the
 * peer: a client cannot name itself. When it is, the header is read from
 * the right (each proxy appends the address it saw): the first entry that
 * is not itself a trusted proxy is the client; if every entry is trusted,
 * the leftmost. An entry that is not an address stops the walk there and
 * the last trusted hop before it is taken (a malformed header never lets
 * a client choose its address). Fills out; returns true when the address
 * came from the header.
 */
bool forwarded_client(const struct netlist *trusted, const struct netaddr *peer,
                      const char *xff, struct netaddr *out);

#endif
