/*
 * routes.c: every address chiron answers, who may call it, and whether a
 * CSRF token is required. The dispatcher (server.c) checks the method and
 * the caller before the handler runs.
 */
#include "web/pages.h"

const struct route routes[] = {
	/* method  path                        handler         who          csrf */
	{"GET",  "/",                          page_home,      WHO_ANYONE,  false},
	{"GET",  "/privacy",                   page_privacy,   WHO_ANYONE,  false},
	{"GET",  "/search",                    page_search,    WHO_ANYONE,  false},
	{"POST", "/search",                    page_search,    WHO_ANYONE,  false},
	{"GET",  "/therapists/{id}",           page_therapist, WHO_ANYONE,  false},
	{"GET",  "/static/{id}",               static_file,    WHO_ANYONE,  false},
	{"POST", "/api/v1/match",              api_match,      WHO_ANYONE,  false},
	{"GET",  "/api/v1/therapists/{id}",    api_therapist,  WHO_ANYONE,  false},
	{"GET",  "/api/v1/taxonomy",           api_taxonomy,   WHO_ANYONE,  false},
	{"GET",  "/api/v1/orgs",               api_orgs,       WHO_ANYONE,  false},
	{"GET",  "/api/v1/openapi.json",       api_openapi,    WHO_ANYONE,  false},
};

const size_t n_routes = sizeof(routes) / sizeof(routes[0]);
