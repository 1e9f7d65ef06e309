/*
 * explain.c: a match result as the contract's JSON, with the reasons a
 * clinician reads on each result.
 *
 * Reasons are plain sentences built from the same facts the score used,
 * strongest first: the goals the therapist works with, whether they see
 * clinicians, the seeker's career stage, orientation, populations and
 * language, the hours that fit (in the seeker's own time zone), the fee the
 * seeker would pay and why, how telehealth is legal, and the distance.
 * Soft conflicts are named in their own field and as a reason that says
 * what is shared and that it rules nothing out.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/match.h"

/*
 * A label in running text: "Burnout" -> "burnout", "Cognitive behavioral
 * therapy" -> "cognitive behavioral therapy"; names stay as they are
 * ("Internal Family Systems (IFS)", "CBT").
 */
static int
add_label(struct buf *b, const char *label)
{
	const char *sp = strchr(label, ' ');
	char first[2] = {label[0], '\0'};

	if (label[0] && isupper((unsigned char)label[0]) &&
	    islower((unsigned char)label[1]) &&
	    !(sp && isupper((unsigned char)sp[1])))
		first[0] = (char)tolower((unsigned char)label[0]);
	return buf_adds(b, first) || buf_adds(b, label + (label[0] ? 1 : 0));
}

/* "a", "a and b", "a, b and c" from the labels of a mask's bits. */
static int
add_labels(struct buf *b, const struct taxonomy *tax, enum tax_list l,
           uint64_t m)
{
	int i, n = __builtin_popcountll(m), k = 0;

	for (i = 0; i < 64; i++) {
		if (!(m >> i & 1))
			continue;
		if (k > 0 && buf_adds(b, k == n - 1 ? " and " : ", "))
			return -1;
		if (add_label(b, tax_label(tax, l, i)))
			return -1;
		k++;
	}
	return 0;
}

struct reasons {
	struct buf *out;
	struct buf line;
	int n;
};

/* Ends the sentence in r->line and appends it to the JSON array. */
static int
reason_done(struct reasons *r)
{
	int rc = 0;

	if (r->line.len) {
		rc = buf_adds(r->out, r->n ? "," : "") ||
		     buf_json_str(r->out, r->line.p, r->line.len);
		r->n++;
	}
	buf_reset(&r->line);
	return rc;
}

static int
reason_time(struct reasons *r, struct match_ctx *c, const struct query *q,
            uint32_t row)
{
	static const char *const dn[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	struct span sp[3];
	int n = match_overlaps(c, row, sp, 3), i;

	for (i = 0; i < n; i++) {
		int64_t ls = sp[i].s + tz_offset_at(q->zone, sp[i].s);
		int64_t le = sp[i].e + tz_offset_at(q->zone, sp[i].e - 1);
		int64_t ds = ls >= 0 ? ls / 86400 : -((-ls + 86399) / 86400);
		int64_t de = (le - 1) >= 0 ? (le - 1) / 86400 : -((-(le - 1) + 86399) / 86400);
		int ms = (int)((ls - ds * 86400) / 60), me = (int)((le - de * 86400) / 60);

		if (buf_printf(&r->line, "%s %02d:%02d-", dn[tz_weekday(ds)], ms / 60, ms % 60) ||
		    (de != ds && buf_printf(&r->line, "%s ", dn[tz_weekday(de)])) ||
		    buf_printf(&r->line, "%02d:%02d (your time) is open", me / 60, me % 60) ||
		    reason_done(r))
			return -1;
	}
	return 0;
}

/*
 * The organization number of the query's i-th affiliation when row is a
 * member of it and no earlier affiliation named it; -1 otherwise. A soft
 * conflict is such an organization of a therapist who was not excluded.
 */
static int64_t
shared_org(const struct index *ix, const struct query *q, uint32_t row, int i)
{
	const struct affiliation *qa = &q->affils[i];
	int64_t org;
	uint32_t lo, hi;
	int j;

	if (qa->person)
		return -1;
	for (j = 0; j < i; j++)
		if (!q->affils[j].person && strcmp(q->affils[j].ref, qa->ref) == 0)
			return -1;
	if ((org = index_org(ix, qa->ref)) < 0)
		return -1;
	lo = ix->org_start[org];
	hi = ix->org_start[org + 1];
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ix->members[mid].row < row)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= ix->org_start[org + 1] || ix->members[lo].row != row)
		return -1;
	return org;
}

static int
soft_json(const struct index *ix, const struct query *q, uint32_t row,
          struct buf *out)
{
	int i, n = 0;
	int64_t org;

	if (buf_addc(out, '['))
		return -1;
	for (i = 0; i < q->n_affils; i++) {
		if ((org = shared_org(ix, q, row, i)) < 0)
			continue;
		if (buf_adds(out, n ? ",{\"org\":" : "{\"org\":") ||
		    buf_json_strz(out, ix->org_id[org]) || buf_adds(out, ",\"name\":") ||
		    buf_json_strz(out, ix->org_name[org]) || buf_addc(out, '}'))
			return -1;
		n++;
	}
	return buf_addc(out, ']');
}

/*
 * The soft conflicts as a sentence: what is shared, and that it does not
 * rule the therapist out. It never says "ranked lower": the penalty is
 * one weight among many, and a card that ranks first must not contradict
 * itself.
 */
static int
reason_soft(struct reasons *r, const struct index *ix, const struct query *q, uint32_t row,
            int n_soft)
{
	int i, k = 0;
	int64_t org;

	if (buf_adds(&r->line, "You both belong to "))
		return -1;
	for (i = 0; i < q->n_affils; i++) {
		if ((org = shared_org(ix, q, row, i)) < 0)
			continue;
		if ((k > 0 && buf_adds(&r->line, k == n_soft - 1 ? " and " : ", ")) ||
		    buf_adds(&r->line, ix->org_name[org]))
			return -1;
		k++;
	}
	if (k == 0 && buf_adds(&r->line, "an organization you named"))
		return -1;
	return buf_adds(&r->line, ": not a dual relationship that rules them out, but you may "
	                          "meet there") || reason_done(r);
}

static int
reasons_json(struct match_ctx *c, const struct query *q,
             const struct match_hit *h, struct buf *out)
{
	const struct index *ix = match_index(c);
	const struct taxonomy *tax = ix->tax;
	struct reasons r = {out, BUF_INIT, 0};
	uint32_t row = h->row;
	uint64_t m;
	int rc = -1, i;

	if (buf_addc(out, '['))
		goto out;
	if ((m = q->goals & ix->hot[row].focus) &&
	    (buf_adds(&r.line, "Works with ") ||
	     add_labels(&r.line, tax, TAX_FOCUS, m) || reason_done(&r)))
		goto out;
	if ((ix->hot[row].flags & RF_CLINICIAN_CLIENTS) &&
	    (buf_adds(&r.line, "Sees clinicians as clients") || reason_done(&r)))
		goto out;
	if (q->career_stage >= 0 && (ix->hot[row].career >> q->career_stage & 1) &&
	    (buf_adds(&r.line, "Works with clinicians at your career stage (") ||
	     add_label(&r.line, tax_label(tax, TAX_CAREER, q->career_stage)) ||
	     buf_addc(&r.line, ')') || reason_done(&r)))
		goto out;
	if ((m = q->preferred_orientations & ix->hot[row].orient) &&
	    (buf_adds(&r.line, "Practices ") ||
	     add_labels(&r.line, tax, TAX_ORIENTATION, m) ||
	     buf_adds(&r.line, ", as you prefer") || reason_done(&r)))
		goto out;
	if (q->orientation_mode == OM_DIFFERENT &&
	    !(q->preferred_orientations & ix->hot[row].orient) &&
	    (buf_adds(&r.line, "Works from an orientation other than yours (") ||
	     add_labels(&r.line, tax, TAX_ORIENTATION, ix->hot[row].orient) ||
	     buf_addc(&r.line, ')') || reason_done(&r)))
		goto out;
	if (q->orientation_mode == OM_SAME &&
	    (buf_adds(&r.line, "Shares your orientation (") ||
	     add_labels(&r.line, tax, TAX_ORIENTATION, q->my_orientations & ix->hot[row].orient) ||
	     buf_addc(&r.line, ')') || reason_done(&r)))
		goto out;
	if ((m = q->populations & ix->hot[row].pop) &&
	    (buf_adds(&r.line, "Experienced with ") ||
	     add_labels(&r.line, tax, TAX_POPULATION, m) || reason_done(&r)))
		goto out;
	for (i = 0; i < q->n_languages; i++) {
		const uint64_t *bm = ix->speaks[q->languages[i]];

		if (bm && (bm[row >> 6] >> (row & 63) & 1)) {
			if (buf_adds(&r.line, "Speaks ") ||
			    buf_adds(&r.line, tax_label(tax, TAX_LANGUAGE, q->languages[i])) ||
			    reason_done(&r))
				goto out;
			break;
		}
	}
	if (q->zone && q->n_free && h->overlap > 0 && reason_time(&r, c, q, row))
		goto out;
	{
		const char *why = "";
		uint32_t cur = ix->currency[row];

		if (h->fee < ix->fee_session[row]) {
			if (h->fee == ix->fee_slide[row] && q->sliding_scale)
				why = " on the sliding scale";
			else if (h->fee == ix->fee_disc[row] && q->clinician_discount)
				why = " with the clinician discount";
			else if (h->fee == ix->fee_group[row] && q->group_ok)
				why = " in group sessions";
		}
		if (buf_printf(&r.line, "Your fee: %d %c%c%c a session%s", (int)h->fee,
		               (char)(cur & 255), (char)(cur >> 8 & 255),
		               (char)(cur >> 16 & 255), why) ||
		    (q->has_budget && h->fee < q->budget &&
		     buf_printf(&r.line, ", %lld under your budget",
		                (long long)(q->budget - h->fee))) ||
		    reason_done(&r))
			goto out;
	}
	if (h->tele == TELE_LICENSE &&
	    (buf_printf(&r.line, "Telehealth: licensed in %s",
	                tax_label(tax, TAX_JURISDICTION, q->jurisdiction)) ||
	     reason_done(&r)))
		goto out;
	if (h->tele >= 0 &&
	    (buf_printf(&r.line, "Telehealth to %s under %s",
	                tax_label(tax, TAX_JURISDICTION, q->jurisdiction),
	                tax_label(tax, TAX_COMPACT, h->tele)) || reason_done(&r)))
		goto out;
	if (h->in_person && !isnan(h->distance) &&
	    (buf_printf(&r.line, "Office %.0f km from you", (double)h->distance) ||
	     reason_done(&r)))
		goto out;
	if (h->soft && reason_soft(&r, ix, q, row, h->soft))
		goto out;
	if (r.n == 0 && (buf_adds(&r.line, "Accepting new clients") || reason_done(&r)))
		goto out;
	rc = buf_addc(out, ']');
out:
	buf_free(&r.line);
	return rc;
}

int
match_result_json(struct match_ctx *c, const struct query *q,
                  const struct match_result *r, struct buf *out)
{
	const struct index *ix = match_index(c);
	int i;

	if (buf_printf(out, "{\"total_eligible\":%ld,\"excluded\":{", r->total_eligible))
		return -1;
	for (i = 0; i < EX__MAX; i++)
		if (buf_printf(out, "%s\"%s\":%ld", i ? "," : "", exclusion_names[i],
		               r->excluded[i]))
			return -1;
	if (buf_adds(out, "},\"results\":["))
		return -1;
	for (i = 0; i < r->n_hits; i++) {
		struct match_hit hit = r->hits[i];
		const struct match_hit *h = &hit;
		struct match_ctx *hc = match_hit_ctx(c, &hit.row);
		uint32_t row = hit.row;

		ix = match_index(hc);

		if (buf_adds(out, i ? ",{\"id\":" : "{\"id\":") ||
		    buf_json_strz(out, ix->id[row]) || buf_adds(out, ",\"name\":") ||
		    buf_json_strz(out, ix->name[row]) || buf_adds(out, ",\"credentials\":") ||
		    buf_json_strz(out, ix->credentials[row]) ||
		    buf_printf(out, ",\"score\":%d.%04d,\"effective_fee\":%d",
		               h->score / SCORE_SCALE, h->score % SCORE_SCALE, (int)h->fee))
			return -1;
		if (isnan(h->distance) ? buf_adds(out, ",\"distance_km\":null") :
		    buf_printf(out, ",\"distance_km\":%.1f", (double)h->distance))
			return -1;
		if (h->overlap < 0 ? buf_adds(out, ",\"overlap_minutes\":null") :
		    buf_printf(out, ",\"overlap_minutes\":%d", (int)h->overlap))
			return -1;
		if (h->tele == TELE_NONE ? buf_adds(out, ",\"telehealth_basis\":null") :
		    buf_printf(out, ",\"telehealth_basis\":\"%s\"", h->tele == TELE_LICENSE ?
		               "license" : tax_code(ix->tax, TAX_COMPACT, h->tele)))
			return -1;
		if (buf_printf(out, ",\"in_person\":%s,\"reasons\":", h->in_person ? "true" : "false") ||
		    reasons_json(hc, q, h, out) || buf_adds(out, ",\"soft_conflicts\":") ||
		    soft_json(ix, q, row, out) || buf_addc(out, '}'))
			return -1;
	}
	return buf_adds(out, "]}");
}
