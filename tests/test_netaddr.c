/*
 * test_netaddr.c: addresses, networks and who the client is behind the
 * trusted proxies (core/netaddr.h): a client not behind a trusted proxy
 * cannot name itself; behind one, the first untrusted hop from the right
 * is the client, and garbage never lets it choose.
 */
#include "testlib.h"

#include <stdio.h>

#include "core/netaddr.h"

static struct netaddr
ADDR(const char *s)
{
	struct netaddr a;

	if (netaddr_parse(s, strlen(s), true, &a))
		fail_msg("%s does not parse", s);
	return a;
}

static const char *
client(const char *trusted, const char *peer, const char *xff)
{
	static char out[64];
	struct netlist l;
	struct netaddr p = ADDR(peer), c;
	char err[128];

	assert_int_equal(netlist_parse(trusted, &l, err, sizeof(err)), 0);
	forwarded_client(&l, &p, xff, &c);
	netaddr_format(&c, out);
	return out;
}

static void
test_parse_and_format(void **state)
{
	struct netaddr a;
	char t[64];

	(void)state;
	a = ADDR("192.0.2.7");
	netaddr_format(&a, t);
	assert_string_equal(t, "192.0.2.7");
	a = ADDR("2001:db8::1");
	netaddr_format(&a, t);
	assert_string_equal(t, "2001:db8::1");
	a = ADDR("10.0.0.0/8");
	netaddr_format(&a, t);
	assert_string_equal(t, "10.0.0.0/8");
	assert_int_equal(netaddr_parse("10.0.0.1/8", 10, false, &a), -1);   /* no prefix here */
	assert_int_equal(netaddr_parse("10.0.0.1/33", 11, true, &a), -1);
	assert_int_equal(netaddr_parse("::1/129", 7, true, &a), -1);
	assert_int_equal(netaddr_parse("300.1.1.1", 9, true, &a), -1);
	assert_int_equal(netaddr_parse(" 1.2.3.4", 8, true, &a), -1);
	assert_int_equal(netaddr_parse("1.2.3.4/", 8, true, &a), -1);
	assert_int_equal(netaddr_parse("", 0, true, &a), -1);
	assert_int_equal(netaddr_parse("unknown", 7, true, &a), -1);
}

static void
test_networks(void **state)
{
	struct netaddr n = ADDR("10.0.0.0/8"), m = ADDR("2001:db8::/33"), all = ADDR("0.0.0.0/0");
	struct netaddr x;

	(void)state;
	x = ADDR("10.200.3.4");
	assert_true(netaddr_in(&n, &x));
	x = ADDR("11.0.0.1");
	assert_false(netaddr_in(&n, &x));
	x = ADDR("2001:db8:7fff::1");
	assert_true(netaddr_in(&m, &x));
	x = ADDR("2001:db8:8000::1");
	assert_false(netaddr_in(&m, &x));
	x = ADDR("203.0.113.9");
	assert_true(netaddr_in(&all, &x));
	x = ADDR("2001:db8::1");                   /* IPv4 networks hold no IPv6 address */
	assert_false(netaddr_in(&all, &x));
}

static void
test_list_errors(void **state)
{
	struct netlist l;
	char err[128];

	(void)state;
	assert_int_equal(netlist_parse("127.0.0.1, 10.0.0.0/8 ::1", &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(netlist_parse("", &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(netlist_parse("127.0.0.1,proxy.example", &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "\"proxy.example\" is not an IP address"));
}

static void
test_forwarded(void **state)
{
	(void)state;
	/* No trusted proxy: the header is the client's own words, ignored. */
	assert_string_equal(client("", "198.51.100.1", "1.1.1.1"), "198.51.100.1");
	assert_string_equal(client("127.0.0.1", "198.51.100.1", "1.1.1.1"), "198.51.100.1");
	/* Behind the proxy: the address it saw. */
	assert_string_equal(client("127.0.0.1", "127.0.0.1", "203.0.113.5"), "203.0.113.5");
	assert_string_equal(client("127.0.0.1", "127.0.0.1", NULL), "127.0.0.1");
	/* A client's forged entries sit left of the one the proxy appended. */
	assert_string_equal(client("127.0.0.1", "127.0.0.1", "6.6.6.6, 203.0.113.5"), "203.0.113.5");
	/* Two proxies: both skipped. */
	assert_string_equal(client("127.0.0.1 10.0.0.0/8", "127.0.0.1", "203.0.113.5, 10.1.2.3"),
	                    "203.0.113.5");
	/* Every hop trusted: the leftmost. */
	assert_string_equal(client("127.0.0.1 10.0.0.0/8", "127.0.0.1", "10.9.9.9, 10.1.2.3"),
	                    "10.9.9.9");
	/* Garbage stops the walk: the last trusted hop, never a chosen name. */
	assert_string_equal(client("127.0.0.1 10.0.0.0/8", "127.0.0.1", "6.6.6.6, junk, 10.1.2.3"),
	                    "10.1.2.3");
	assert_string_equal(client("127.0.0.1", "127.0.0.1", "unknown"), "127.0.0.1");
	assert_string_equal(client("127.0.0.1", "127.0.0.1", " , 203.0.113.5 ,, "), "203.0.113.5");
	assert_string_equal(client("::1", "::1", "2001:db8::9"), "2001:db8::9");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_format),
		cmocka_unit_test(test_networks),
		cmocka_unit_test(test_list_errors),
		cmocka_unit_test(test_forwarded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
