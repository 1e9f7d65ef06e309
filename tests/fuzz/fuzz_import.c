/*
 * fuzz_import.c: the import line (core/record.h), as `chiron import` and
 * PUT /api/v1/listing/record read it.
 *
 * The input is a file of JSON lines: it is cut into lines as cmd_import.c
 * cuts it (each line with its newline, blank lines skipped) and each line
 * is parsed. Promises checked on an accepted record: its id is a valid id;
 * a therapist packs, unpacks, and packs again to the same bytes, and its
 * canonical JSON reads back as a record that packs to those bytes too; an
 * organization's JSON reads back the same. A refused line names a reason.
 */
#include <string.h>

#include "fuzz.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/record.h"

static struct arena A;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	arena_init(&A, 0);
	fuzz_taxonomy();
	return 0;
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

static void
therapist_round_trip(const struct taxonomy *tax, const struct therapist *t)
{
	struct buf p1, p2, js;
	struct therapist u;
	struct record r2;
	struct verr e;

	buf_init(&p1, 0);
	buf_init(&p2, 0);
	buf_init(&js, 0);
	FUZZ_CHECK(therapist_pack(tax, t, &p1) == 0);
	FUZZ_CHECK(therapist_unpack(tax, p1.p, p1.len, &A, &u, &e) == 0);
	FUZZ_CHECK(therapist_pack(tax, &u, &p2) == 0);
	FUZZ_CHECK(p1.len == p2.len && memcmp(p1.p, p2.p, p1.len) == 0);
	FUZZ_CHECK(therapist_to_json(tax, t, &js) == 0);
	if (record_parse(tax, js.p, js.len, &A, &r2, &e))
		fprintf(stderr, "written back: %.*s\n%s: %s\n", (int)js.len, js.p, e.field, e.msg);
	FUZZ_CHECK(record_parse(tax, js.p, js.len, &A, &r2, &e) == 0);
	FUZZ_CHECK(r2.type == REC_THERAPIST);
	buf_reset(&p2);
	FUZZ_CHECK(therapist_pack(tax, &r2.t, &p2) == 0);
	FUZZ_CHECK(p1.len == p2.len && memcmp(p1.p, p2.p, p1.len) == 0);
	buf_free(&js);
	buf_free(&p2);
	buf_free(&p1);
}

static void
org_round_trip(const struct taxonomy *tax, const struct org *o)
{
	struct record r2;
	struct verr e;
	struct buf js;

	buf_init(&js, 0);
	FUZZ_CHECK(org_to_json(tax, o, &js) == 0);
	FUZZ_CHECK(record_parse(tax, js.p, js.len, &A, &r2, &e) == 0);
	FUZZ_CHECK(r2.type == REC_ORG);
	FUZZ_CHECK(strcmp(r2.org.id, o->id) == 0 && strcmp(r2.org.name, o->name) == 0);
	FUZZ_CHECK(r2.org.kind == o->kind && r2.org.jurisdiction == o->jurisdiction);
	buf_free(&js);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct taxonomy *tax = fuzz_taxonomy();
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl + 1 - p) : (size_t)(end - p);
		struct record r;
		struct verr e;

		arena_reset(&A);
		if (!blank(p, n)) {
			memset(&e, 0, sizeof(e));
			if (record_parse(tax, p, n, &A, &r, &e) == 0) {
				FUZZ_CHECK(r.id && record_id_ok(r.id));
				if (r.type == REC_THERAPIST)
					therapist_round_trip(tax, &r.t);
				else if (r.type == REC_ORG)
					org_round_trip(tax, &r.org);
			} else {
				FUZZ_CHECK(e.msg[0] != '\0');
			}
		}
		p += n;
	}
	return 0;
}
