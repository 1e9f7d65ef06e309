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

	if (query_parse(r->app->sv.tax, r->body, r->body_len, ctx_now(&r->cx),
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

int
api_taxonomy(struct req *r, struct resp *p)
{
	const struct taxonomy *tax = r->app->sv.tax;
	struct jw w;
	int l, i;

	jw_init(&w, &p->body);
	jw_obj_open(&w);
	for (l = 0; l < TAX__MAX; l++) {
		jw_karr_open(&w, tax_list_name((enum tax_list)l));
		for (i = 0; i < tax_count(tax, (enum tax_list)l); i++) {
			jw_obj_open(&w);
			jw_kstr(&w, "code", tax_code(tax, (enum tax_list)l, i));
			jw_kstr(&w, "label", tax_label(tax, (enum tax_list)l, i));
			jw_obj_close(&w);
		}
		jw_arr_close(&w);
	}
	jw_obj_close(&w);
	resp_header(p, "Cache-Control", "public, max-age=3600");
	return json_reply(p, &w, 200);
}
