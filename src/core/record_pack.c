/*
 * record_pack.c: a therapist's packed binary form, and its canonical JSON.
 *
 * The packed form is what the store keeps and what the index loads: a
 * record of a few hundred bytes that unpacks without a JSON parser. Codes
 * are written as their strings (a taxonomy may grow; positions may move),
 * integers little-endian, strings as a 16-bit length and bytes.
 *
 *   u8 version (PACK_VERSION)
 *   str id, name, credentials, profession, npi
 *   u8 n, n * str license
 *   u8 compacts, modalities, formats (bits in the taxonomy's fixed order)
 *   u8 flags (1 office, 2 accepting, 4 clinician_clients)
 *   [office] f64 lat, f64 lon, str jurisdiction ("" when absent)
 *   3 bytes currency, i32 session, sliding_min, discount_pct, group
 *   for orientations, focus areas, populations, career stages, languages:
 *       u8 n, n * str code
 *   str timezone
 *   u8 n, n * (u8 day, u16 start, u16 end)
 *   u8 n, n * (str ref, u8 role, u8 flags (1 person, 2 current))
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/record.h"
#include "core/tz.h"

#define PACK_VERSION 1

static int
put(struct buf *b, const void *p, size_t n)
{
	return buf_add(b, p, n);
}

static int
put_u8(struct buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;

	return put(b, &c, 1);
}

static int
put_u16(struct buf *b, unsigned v)
{
	unsigned char c[2] = {(unsigned char)v, (unsigned char)(v >> 8)};

	return put(b, c, 2);
}

static int
put_i32(struct buf *b, int32_t v)
{
	uint32_t u = (uint32_t)v;
	unsigned char c[4] = {(unsigned char)u, (unsigned char)(u >> 8),
		(unsigned char)(u >> 16), (unsigned char)(u >> 24)};

	return put(b, c, 4);
}

static int
put_f64(struct buf *b, double d)
{
	uint64_t u;
	unsigned char c[8];
	int i;

	memcpy(&u, &d, 8);
	for (i = 0; i < 8; i++)
		c[i] = (unsigned char)(u >> (8 * i));
	return put(b, c, 8);
}

static int
put_str(struct buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > 65535)
		return -1;
	return put_u16(b, (unsigned)n) || put(b, s, n);
}

static int
put_mask(struct buf *b, const struct taxonomy *tax, enum tax_list l, uint64_t m)
{
	int i, n = 0;

	for (i = 0; i < 64; i++)
		if (m >> i & 1)
			n++;
	if (put_u8(b, (unsigned)n))
		return -1;
	for (i = 0; i < 64; i++)
		if ((m >> i & 1) && put_str(b, tax_code(tax, l, i)))
			return -1;
	return 0;
}

static int
put_list(struct buf *b, const struct taxonomy *tax, enum tax_list l,
         const int16_t *v, int n)
{
	int i;

	if (n > 255 || put_u8(b, (unsigned)n))
		return -1;
	for (i = 0; i < n; i++)
		if (put_str(b, tax_code(tax, l, v[i])))
			return -1;
	return 0;
}

int
therapist_pack(const struct taxonomy *tax, const struct therapist *t,
               struct buf *b)
{
	unsigned flags = (t->has_office ? 1 : 0) | (t->accepting ? 2 : 0) |
	                 (t->clinician_clients ? 4 : 0);
	int i;

	if (put_u8(b, PACK_VERSION) || put_str(b, t->id) || put_str(b, t->name) ||
	    put_str(b, t->credentials) ||
	    put_str(b, tax_code(tax, TAX_PROFESSION, t->profession)) ||
	    put_str(b, t->npi) ||
	    put_list(b, tax, TAX_JURISDICTION, t->licenses, t->n_licenses) ||
	    put_u8(b, t->compacts) || put_u8(b, t->modalities) ||
	    put_u8(b, t->formats) || put_u8(b, flags))
		return -1;
	if (t->has_office &&
	    (put_f64(b, t->lat) || put_f64(b, t->lon) ||
	     put_str(b, t->office_jurisdiction >= 0 ?
	             tax_code(tax, TAX_JURISDICTION, t->office_jurisdiction) : "")))
		return -1;
	if (put(b, t->fee.currency, 3) || put_i32(b, t->fee.session) ||
	    put_i32(b, t->fee.sliding_min) || put_i32(b, t->fee.discount_pct) ||
	    put_i32(b, t->fee.group) ||
	    put_mask(b, tax, TAX_ORIENTATION, t->orientations) ||
	    put_mask(b, tax, TAX_FOCUS, t->focus) ||
	    put_mask(b, tax, TAX_POPULATION, t->populations) ||
	    put_mask(b, tax, TAX_CAREER, t->career_stages) ||
	    put_list(b, tax, TAX_LANGUAGE, t->languages, t->n_languages) ||
	    put_str(b, t->timezone) || t->n_avail > 255 ||
	    put_u8(b, (unsigned)t->n_avail))
		return -1;
	for (i = 0; i < t->n_avail; i++)
		if (put_u8(b, t->avail[i].day) || put_u16(b, t->avail[i].start) ||
		    put_u16(b, t->avail[i].end))
			return -1;
	if (t->n_affils > 255 || put_u8(b, (unsigned)t->n_affils))
		return -1;
	for (i = 0; i < t->n_affils; i++)
		if (put_str(b, t->affils[i].ref) || put_u8(b, t->affils[i].role) ||
		    put_u8(b, (t->affils[i].person ? 1u : 0u) |
		              (t->affils[i].current ? 2u : 0u)))
			return -1;
	return 0;
}

/* ----------------------------------------------------------------------
 * Unpacking
 * ---------------------------------------------------------------------- */

struct rd {
	const unsigned char *p, *end;
	struct arena *a;
	bool bad;
};

static const unsigned char *
take(struct rd *r, size_t n)
{
	const unsigned char *p = r->p;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	return p;
}

static unsigned
get_u8(struct rd *r)
{
	const unsigned char *p = take(r, 1);

	return p ? p[0] : 0;
}

static unsigned
get_u16(struct rd *r)
{
	const unsigned char *p = take(r, 2);

	return p ? (unsigned)p[0] | (unsigned)p[1] << 8 : 0;
}

static int32_t
get_i32(struct rd *r)
{
	const unsigned char *p = take(r, 4);

	return p ? (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
	                     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24) : 0;
}

static double
get_f64(struct rd *r)
{
	const unsigned char *p = take(r, 8);
	uint64_t u = 0;
	double d;
	int i;

	if (!p)
		return 0;
	for (i = 0; i < 8; i++)
		u |= (uint64_t)p[i] << (8 * i);
	memcpy(&d, &u, 8);
	return d;
}

/* A string, copied into the arena when a is not NULL. */
static const char *
get_str(struct rd *r, char *tmp, size_t tmpn)
{
	unsigned n = get_u16(r);
	const unsigned char *p = take(r, n);

	if (!p)
		return "";
	if (tmp) {
		if (n >= tmpn) {
			r->bad = true;
			return "";
		}
		memcpy(tmp, p, n);
		tmp[n] = '\0';
		return tmp;
	}
	{
		char *s = arena_strndup(r->a, (const char *)p, n);

		if (!s)
			r->bad = true;
		return s ? s : "";
	}
}

static int
get_code(struct rd *r, const struct taxonomy *tax, enum tax_list l,
         struct verr *e)
{
	char tmp[80];
	const char *s = get_str(r, tmp, sizeof(tmp));
	int k;

	if (r->bad) {
		verr_set(e, "", "stored record is truncated or corrupt");
		return -1;
	}
	k = tax_find(tax, l, s);
	if (k < 0)
		verr_set(e, tax_list_name(l), "stored code \"%s\" is no longer in the taxonomy", s);
	return k;
}

static int
get_mask(struct rd *r, const struct taxonomy *tax, enum tax_list l,
         uint64_t *m, struct verr *e)
{
	unsigned n = get_u8(r), i;

	*m = 0;
	for (i = 0; i < n; i++) {
		int k = get_code(r, tax, l, e);

		if (k < 0)
			return -1;
		*m |= (uint64_t)1 << k;
	}
	return 0;
}

static int
get_list(struct rd *r, const struct taxonomy *tax, enum tax_list l,
         int16_t **v, int *n, struct verr *e)
{
	unsigned k = get_u8(r), i;

	*n = 0;
	*v = arena_alloc(r->a, (k + 1) * sizeof(int16_t));
	if (!*v)
		return -1;
	for (i = 0; i < k; i++) {
		int c = get_code(r, tax, l, e);

		if (c < 0)
			return -1;
		(*v)[(*n)++] = (int16_t)c;
	}
	return 0;
}

int
therapist_unpack(const struct taxonomy *tax, const void *p, size_t n,
                 struct arena *a, struct therapist *t, struct verr *e)
{
	struct rd r = {p, (const unsigned char *)p + n, a, false};
	char npi[16];
	unsigned flags, i;
	uint64_t m;
	int k;

	memset(t, 0, sizeof(*t));
	verr_clear(e);
	if (get_u8(&r) != PACK_VERSION)
		return verr_set(e, "", "stored record has an unknown packed version");
	t->id = get_str(&r, NULL, 0);
	t->name = get_str(&r, NULL, 0);
	t->credentials = get_str(&r, NULL, 0);
	if ((k = get_code(&r, tax, TAX_PROFESSION, e)) < 0)
		return -1;
	t->profession = (uint8_t)k;
	get_str(&r, npi, sizeof(npi));
	if (strlen(npi) == 10)
		memcpy(t->npi, npi, 11);
	if (get_list(&r, tax, TAX_JURISDICTION, &t->licenses, &t->n_licenses, e))
		return -1;
	t->compacts = (uint8_t)get_u8(&r);
	t->modalities = (uint8_t)get_u8(&r);
	t->formats = (uint8_t)get_u8(&r);
	flags = get_u8(&r);
	t->has_office = flags & 1;
	t->accepting = flags & 2;
	t->clinician_clients = flags & 4;
	t->office_jurisdiction = -1;
	if (t->has_office) {
		char jur[16];

		t->lat = get_f64(&r);
		t->lon = get_f64(&r);
		get_str(&r, jur, sizeof(jur));
		if (*jur)
			t->office_jurisdiction = (int16_t)tax_find(tax, TAX_JURISDICTION, jur);
	}
	{
		const unsigned char *c = take(&r, 3);

		if (c)
			memcpy(t->fee.currency, c, 3);
	}
	t->fee.session = get_i32(&r);
	t->fee.sliding_min = get_i32(&r);
	t->fee.discount_pct = get_i32(&r);
	t->fee.group = get_i32(&r);
	if (get_mask(&r, tax, TAX_ORIENTATION, &t->orientations, e) ||
	    get_mask(&r, tax, TAX_FOCUS, &t->focus, e) ||
	    get_mask(&r, tax, TAX_POPULATION, &t->populations, e) ||
	    get_mask(&r, tax, TAX_CAREER, &m, e))
		return -1;
	t->career_stages = (uint8_t)m;
	if (get_list(&r, tax, TAX_LANGUAGE, &t->languages, &t->n_languages, e))
		return -1;
	t->timezone = get_str(&r, NULL, 0);
	t->n_avail = (int)get_u8(&r);
	t->avail = arena_alloc(a, ((size_t)t->n_avail + 1) * sizeof(*t->avail));
	for (i = 0; t->avail && i < (unsigned)t->n_avail; i++) {
		t->avail[i].day = (uint8_t)get_u8(&r);
		t->avail[i].start = (uint16_t)get_u16(&r);
		t->avail[i].end = (uint16_t)get_u16(&r);
	}
	t->n_affils = (int)get_u8(&r);
	t->affils = arena_alloc(a, ((size_t)t->n_affils + 1) * sizeof(*t->affils));
	for (i = 0; t->affils && i < (unsigned)t->n_affils; i++) {
		unsigned f;

		t->affils[i].ref = get_str(&r, NULL, 0);
		t->affils[i].role = (uint8_t)get_u8(&r);
		f = get_u8(&r);
		t->affils[i].person = f & 1;
		t->affils[i].current = f & 2;
	}
	if (r.bad || !t->avail || !t->affils || r.p != r.end)
		return verr_set(e, "", "stored record is truncated or corrupt");
	/* A damaged row must not reach code that trusts these ranges. */
	if (t->compacts >> CMP__MAX || t->modalities >> MOD__MAX || t->formats >> FMT__MAX)
		return verr_set(e, "", "stored record is corrupt (code bits out of range)");
	for (i = 0; i < (unsigned)t->n_avail; i++)
		if (t->avail[i].day > 6 || t->avail[i].start >= t->avail[i].end ||
		    t->avail[i].end > 1440)
			return verr_set(e, "availability", "stored record is corrupt (window out of range)");
	for (i = 0; i < (unsigned)t->n_affils; i++)
		if (t->affils[i].role >= ROLE__MAX || !record_id_ok(t->affils[i].ref))
			return verr_set(e, "affiliations", "stored record is corrupt (affiliation out of range)");
	if (!record_id_ok(t->id))
		return verr_set(e, "id", "stored record is corrupt (bad id)");
	return 0;
}

/* ----------------------------------------------------------------------
 * Canonical JSON
 * ---------------------------------------------------------------------- */

/* The shortest %g form of d that reads back as d. */
static int
put_double(struct buf *b, double d)
{
	char s[40];
	int prec;

	for (prec = 6; prec <= 17; prec++) {
		snprintf(s, sizeof(s), "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			break;
	}
	return buf_adds(b, s);
}

static int
json_mask(struct buf *b, const struct taxonomy *tax, enum tax_list l,
          const char *key, uint64_t m)
{
	int i, first = 1;

	if (buf_printf(b, ",\"%s\":[", key))
		return -1;
	for (i = 0; i < 64; i++) {
		if (!(m >> i & 1))
			continue;
		if ((!first && buf_addc(b, ',')) ||
		    buf_json_strz(b, tax_code(tax, l, i)))
			return -1;
		first = 0;
	}
	return buf_addc(b, ']');
}

static int
json_list(struct buf *b, const struct taxonomy *tax, enum tax_list l,
          const char *key, const int16_t *v, int n)
{
	int i;

	if (buf_printf(b, ",\"%s\":[", key))
		return -1;
	for (i = 0; i < n; i++)
		if ((i && buf_addc(b, ',')) || buf_json_strz(b, tax_code(tax, l, v[i])))
			return -1;
	return buf_addc(b, ']');
}

int
therapist_to_json(const struct taxonomy *tax, const struct therapist *t,
                  struct buf *b)
{
	int i;

	if (buf_adds(b, "{\"type\":\"therapist\",\"id\":") ||
	    buf_json_strz(b, t->id) || buf_adds(b, ",\"name\":") ||
	    buf_json_strz(b, t->name) || buf_adds(b, ",\"credentials\":") ||
	    buf_json_strz(b, t->credentials) ||
	    buf_printf(b, ",\"profession\":\"%s\"",
	               tax_code(tax, TAX_PROFESSION, t->profession)))
		return -1;
	if (t->npi[0] && buf_printf(b, ",\"npi\":\"%s\"", t->npi))
		return -1;
	if (json_list(b, tax, TAX_JURISDICTION, "licenses", t->licenses, t->n_licenses) ||
	    json_mask(b, tax, TAX_COMPACT, "compacts", t->compacts))
		return -1;
	if (t->has_office) {
		if (buf_adds(b, ",\"office\":{\"lat\":") || put_double(b, t->lat) ||
		    buf_adds(b, ",\"lon\":") || put_double(b, t->lon))
			return -1;
		if (t->office_jurisdiction >= 0 &&
		    buf_printf(b, ",\"jurisdiction\":\"%s\"",
		               tax_code(tax, TAX_JURISDICTION, t->office_jurisdiction)))
			return -1;
		if (buf_addc(b, '}'))
			return -1;
	}
	if (json_mask(b, tax, TAX_MODALITY, "modalities", t->modalities) ||
	    json_mask(b, tax, TAX_FORMAT, "formats", t->formats) ||
	    buf_printf(b, ",\"accepting_new_clients\":%s",
	               t->accepting ? "true" : "false") ||
	    buf_printf(b, ",\"fee\":{\"currency\":\"%.3s\",\"session\":%d",
	               t->fee.currency, (int)t->fee.session))
		return -1;
	if (t->fee.sliding_min != NO_FEE &&
	    buf_printf(b, ",\"sliding_scale_min\":%d", (int)t->fee.sliding_min))
		return -1;
	if (t->fee.discount_pct != NO_FEE &&
	    buf_printf(b, ",\"clinician_discount_pct\":%d", (int)t->fee.discount_pct))
		return -1;
	if (t->fee.group != NO_FEE &&
	    buf_printf(b, ",\"group_session\":%d", (int)t->fee.group))
		return -1;
	if (buf_addc(b, '}') ||
	    json_mask(b, tax, TAX_ORIENTATION, "orientations", t->orientations) ||
	    json_mask(b, tax, TAX_FOCUS, "focus_areas", t->focus) ||
	    json_mask(b, tax, TAX_POPULATION, "populations", t->populations) ||
	    json_list(b, tax, TAX_LANGUAGE, "languages", t->languages, t->n_languages) ||
	    json_mask(b, tax, TAX_CAREER, "career_stages", t->career_stages) ||
	    buf_printf(b, ",\"clinician_clients\":%s",
	               t->clinician_clients ? "true" : "false") ||
	    buf_adds(b, ",\"timezone\":") || buf_json_strz(b, t->timezone) ||
	    buf_adds(b, ",\"availability\":["))
		return -1;
	for (i = 0; i < t->n_avail; i++) {
		const struct window *w = &t->avail[i];

		if (buf_printf(b, "%s{\"day\":\"%s\",\"start\":\"%02d:%02d\",\"end\":\"%02d:%02d\"}",
		               i ? "," : "", day_names[w->day], w->start / 60,
		               w->start % 60, w->end / 60, w->end % 60))
			return -1;
	}
	if (buf_adds(b, "],\"affiliations\":["))
		return -1;
	for (i = 0; i < t->n_affils; i++) {
		const struct affiliation *af = &t->affils[i];

		if (buf_printf(b, "%s{\"%s\":", i ? "," : "", af->person ? "person" : "org") ||
		    buf_json_strz(b, af->ref) ||
		    buf_printf(b, ",\"role\":\"%s\",\"current\":%s}",
		               tax_code(tax, TAX_ROLE, af->role),
		               af->current ? "true" : "false"))
			return -1;
	}
	return buf_adds(b, "]}");
}

int
org_to_json(const struct taxonomy *tax, const struct org *o, struct buf *b)
{
	if (buf_adds(b, "{\"type\":\"org\",\"id\":") || buf_json_strz(b, o->id) ||
	    buf_adds(b, ",\"name\":") || buf_json_strz(b, o->name) ||
	    buf_printf(b, ",\"kind\":\"%s\"", tax_code(tax, TAX_ORG_KIND, o->kind)))
		return -1;
	if (o->jurisdiction >= 0 &&
	    buf_printf(b, ",\"jurisdiction\":\"%s\"",
	               tax_code(tax, TAX_JURISDICTION, o->jurisdiction)))
		return -1;
	return buf_addc(b, '}');
}
