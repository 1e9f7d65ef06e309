/*
 * api_match.c: POST /api/v1/match (the contract's query and result,
 * exactly what `chiron match` prints) and GET /api/v1/taxonomy.
 */
#include <string.h>
#include <time.h>

#include "core/query.h"
#include "web/pages.h"

int
api_match(struct req *r, struct resp *p)
{
	struct query q;
	struct verr e;
	struct match_result res;
	struct match_ctx *mc;
	int rc;

	if (query_parse(r->app->sv.tax, r->body, r->body_len, (int64_t)time(NULL),
	                r->a, &q, &e)) {
		error_response(r, p, 400, e.field, e.msg);
		return 0;
	}
	mc = req_ctx_take(r);
	if (!mc)
		return -1;
	rc = match_run(mc, &q, &res) || match_result_json(mc, &q, &res, &p->body) ||
	     buf_addc(&p->body, '\n');
	req_ctx_give(r, mc);
	if (rc)
		return -1;
	return json_response(p, 200);
}

static int
list_json(struct buf *b, const struct taxonomy *tax, enum tax_list l)
{
	int i;

	if (buf_printf(b, "\"%s\":[", tax_list_name(l)))
		return -1;
	for (i = 0; i < tax_count(tax, l); i++)
		if (buf_adds(b, i ? ",{\"code\":" : "{\"code\":") ||
		    buf_json_strz(b, tax_code(tax, l, i)) || buf_adds(b, ",\"label\":") ||
		    buf_json_strz(b, tax_label(tax, l, i)) || buf_addc(b, '}'))
			return -1;
	return buf_addc(b, ']');
}

int
api_taxonomy(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	int l;

	if (buf_addc(b, '{'))
		return -1;
	for (l = 0; l < TAX__MAX; l++)
		if ((l && buf_addc(b, ',')) || list_json(b, r->app->sv.tax, (enum tax_list)l))
			return -1;
	if (buf_adds(b, "}\n"))
		return -1;
	resp_header(p, "Cache-Control", "public, max-age=3600");
	return json_response(p, 200);
}
