/*
 * field.c: the validators of field.h. Each reads its text whole (nothing
 * may trail a number or a date), with bounded conversions, and refuses in
 * a sentence that says what to give, never the field's internal name.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/field.h"
#include "core/record.h"
#include "core/tz.h"

#define DAY 86400

/* n digits at s as a number; -1 when one is not a digit. */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
field_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	bool neg = false;
	uint64_t v = 0;
	const char *p = s;

	if (!s)
		return -1;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!*p || strlen(p) > 18)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return *out < min || *out > max ? -1 : 0;
}

/* Digits at p, at least one: how many. */
static size_t
run_of_digits(const char *p)
{
	return strspn(p, "0123456789");
}

int
field_parse_number(const char *s, double *out)
{
	const char *p = s;
	size_t n;

	if (!s || strlen(s) > 32)
		return -1;
	if (*p == '-')
		p++;
	if (!(n = run_of_digits(p)) || (*p == '0' && n > 1))
		return -1;
	p += n;
	if (*p == '.') {
		if (!(n = run_of_digits(++p)))
			return -1;
		p += n;
	}
	if (*p == 'e' || *p == 'E') {
		if (*++p == '+' || *p == '-')
			p++;
		if (!(n = run_of_digits(p)))
			return -1;
		p += n;
	}
	if (*p)
		return -1;
	*out = strtod(s, NULL);
	return isfinite(*out) ? 0 : -1;
}

/* YYYY-MM-DD at s (10 bytes); -1 when it is not a calendar date. */
static int
ymd(const char *s, int64_t *days)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = digits(s, 4), m, d;

	if (y < 0 || s[4] != '-' || (m = digits(s + 5, 2)) < 1 || m > 12 || s[7] != '-' ||
	    (d = digits(s + 8, 2)) < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*days = tz_days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int
field_parse_day(const char *s, int64_t *days)
{
	return s && strlen(s) == 10 ? ymd(s, days) : -1;
}

int
field_parse_instant(const char *s, int64_t *t)
{
	int64_t days;
	int h, mi, sec = 0, oh, om;
	const char *p;

	if (!s || strnlen(s, 17) < 16 || ymd(s, &days) || (s[10] != 'T' && s[10] != 't') ||
	    (h = digits(s + 11, 2)) < 0 || h > 23 || s[13] != ':' || (mi = digits(s + 14, 2)) < 0 ||
	    mi > 59)
		return -1;
	p = s + 16;
	if (*p == ':') {
		if ((sec = digits(p + 1, 2)) < 0 || sec > 59)
			return -1;
		p += 3;
	}
	*t = days * DAY + h * 3600 + mi * 60 + sec;
	if ((*p == 'Z' || *p == 'z') && !p[1])
		return 0;
	if ((*p != '+' && *p != '-') || strlen(p) != 6 || (oh = digits(p + 1, 2)) < 0 || oh > 23 ||
	    p[3] != ':' || (om = digits(p + 4, 2)) < 0 || om > 59)
		return -1;
	*t += (*p == '+' ? -1 : 1) * (oh * 3600 + om * 60);
	return 0;
}

/* Code points in s (its bytes that do not continue a UTF-8 sequence). */
static int64_t
chars(const char *s)
{
	int64_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The sentence of a value that is wrong, when the field has none of its own. */
static int
refuse(const struct field *f, struct verr *e)
{
	char list[200] = "";
	int i;

	if (f->say)
		return verr_set(e, f->name, "%s", f->say);
	switch (f->type) {
	case F_TEXT:
		if (f->min > 0 && f->max > 0)
			return verr_set(e, f->name, "write %" PRId64 " to %" PRId64 " characters", f->min, f->max);
		if (f->max > 0)
			return verr_set(e, f->name, "keep it to %" PRId64 " characters", f->max);
		return verr_set(e, f->name, "write at least %" PRId64 " characters", f->min);
	case F_INT:
		return verr_set(e, f->name, "give a whole number from %" PRId64 " to %" PRId64, f->min, f->max);
	case F_NUMBER:
		if (f->min || f->max)
			return verr_set(e, f->name, "give a number from %" PRId64 " to %" PRId64, f->min, f->max);
		return verr_set(e, f->name, "give a number, like 12 or 40.7128");
	case F_ID:
		return verr_set(e, f->name, "give an id of letters, digits and . _ : - (as chiron shows it)");
	case F_DAY:
		return verr_set(e, f->name, "give a date as YYYY-MM-DD");
	case F_INSTANT:
		return verr_set(e, f->name, "give a time as 2026-12-01T18:00:00Z or with an offset like -05:00");
	case F_HHMM:
		return verr_set(e, f->name, "give a time as HH:MM, from 00:00 to 24:00");
	case F_ENUM:
		for (i = 0; f->names && f->names[i]; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			         f->names[i]);
		return verr_set(e, f->name, "choose one of %s", list);
	case F_TOKEN:
		return verr_set(e, f->name, "this is not a code chiron gave out; copy it again whole");
	default:
		return verr_set(e, f->name, "this value cannot be read");
	}
}

int
field_check(const struct field *f, const char *text, struct fval *v, struct verr *e)
{
	int64_t n;
	size_t i;

	memset(v, 0, sizeof(*v));
	if (f->type == F_BOOL) {
		v->set = text != NULL;
		v->n = text != NULL;
		return 0;
	}
	if (!text || (!*text && f->type != F_TEXT)) {
		if (!f->required)
			return 0;
		if (f->say)
			return verr_set(e, f->name, "%s", f->say);
		return verr_set(e, f->name, "this is required: fill it in");
	}
	v->s = text;
	switch (f->type) {
	case F_TEXT:
		n = chars(text);
		if ((f->required && n == 0) || n < f->min || (f->max > 0 && n > f->max))
			return refuse(f, e);
		break;
	case F_TOKEN:
		n = (int64_t)strlen(text);
		if (strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
		    (size_t)n || n < f->min || (f->max > 0 && n > f->max))
			return refuse(f, e);
		break;
	case F_INT:
		if (field_parse_int(text, f->min, f->max, &v->n))
			return refuse(f, e);
		break;
	case F_NUMBER:
		if (field_parse_number(text, &v->d) ||
		    ((f->min || f->max) && (v->d < (double)f->min || v->d > (double)f->max)))
			return refuse(f, e);
		break;
	case F_ID:
		if (!record_id_ok(text))
			return refuse(f, e);
		break;
	case F_DAY:
		if (field_parse_day(text, &v->n))
			return refuse(f, e);
		break;
	case F_INSTANT:
		if (field_parse_instant(text, &v->n))
			return refuse(f, e);
		break;
	case F_HHMM:
		if ((n = parse_hhmm(text)) < 0)
			return refuse(f, e);
		v->n = n;
		break;
	case F_ENUM:
		for (i = 0; f->names && f->names[i]; i++)
			if (strcmp(text, f->names[i]) == 0)
				break;
		if (!f->names || !f->names[i])
			return refuse(f, e);
		v->n = (int64_t)i;
		break;
	default:
		return refuse(f, e);
	}
	v->set = true;
	return 0;
}
