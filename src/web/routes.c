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
	{"GET",  "/signup",                    page_signup,    WHO_ANYONE,  false},
	{"POST", "/signup",                    page_signup,    WHO_ANYONE,  true},
	{"GET",  "/login",                     page_login,     WHO_ANYONE,  false},
	{"POST", "/login",                     page_login,     WHO_ANYONE,  true},
	{"POST", "/logout",                    page_logout,    WHO_SIGNED_IN, true},
	{"POST", "/logout-all",                page_logout_all, WHO_SIGNED_IN, true},
	{"GET",  "/account",                   page_account,   WHO_SIGNED_IN, false},
	{"GET",  "/reset",                     page_reset,     WHO_ANYONE,  false},
	{"POST", "/reset",                     page_reset,     WHO_ANYONE,  true},
	{"GET",  "/orgs/new",                  page_org_new,   WHO_SIGNED_IN, false},
	{"POST", "/orgs/new",                  page_org_new,   WHO_SIGNED_IN, true},
	{"GET",  "/requests",                  page_requests,  WHO_SIGNED_IN, false},
	{"POST", "/request/{id}",              page_request_send, WHO_SIGNED_IN, true},
	{"POST", "/answer/{id}",               page_answer,    WHO_THERAPIST, true},
	{"GET",  "/listing",                   page_listing,   WHO_THERAPIST, false},
	{"POST", "/listing/claim",             page_listing_claim, WHO_THERAPIST, true},
	{"POST", "/listing/confirm",           page_listing_confirm, WHO_THERAPIST, true},
	{"GET",  "/listing/confirm/{id}",      page_confirm_link, WHO_ANYONE, false},
	{"POST", "/listing/confirm/{id}",      page_confirm_link, WHO_ANYONE, true},
	{"GET",  "/listing/edit",              page_listing_edit, WHO_THERAPIST, false},
	{"POST", "/listing/edit",              page_listing_edit, WHO_THERAPIST, true},
	{"GET",  "/listing/new",               page_listing_new, WHO_THERAPIST, false},
	{"POST", "/listing/new",               page_listing_new, WHO_THERAPIST, true},
	{"GET",  "/admin",                     page_admin,     WHO_ADMIN,   false},
	{"POST", "/admin/verify/{id}",         page_admin_verify, WHO_ADMIN, true},
	{"POST", "/admin/remove",              page_admin_remove, WHO_ADMIN, true},
	{"POST", "/admin/orgs/merge",          page_admin_merge, WHO_ADMIN, true},
	{"POST", "/admin/hide",                page_admin_hide, WHO_ADMIN,  true},
	{"POST", "/admin/unhide/{id}",         page_admin_unhide, WHO_ADMIN, true},
	{"GET",  "/reset/{id}",                page_reset_token, WHO_ANYONE, false},
	{"POST", "/reset/{id}",                page_reset_token, WHO_ANYONE, true},
	{"POST", "/api/v1/match",              api_match,      WHO_ANYONE,  false},
	{"GET",  "/api/v1/therapists/{id}",    api_therapist,  WHO_ANYONE,  false},
	{"GET",  "/api/v1/taxonomy",           api_taxonomy,   WHO_ANYONE,  false},
	{"GET",  "/api/v1/orgs",               api_orgs,       WHO_ANYONE,  false},
	{"GET",  "/api/v1/listing/record",     api_listing_record, WHO_THERAPIST, false},
	{"PUT",  "/api/v1/listing/record",     api_listing_record, WHO_THERAPIST, true},
	{"GET",  "/api/v1/listing/policies",   api_listing_policies, WHO_THERAPIST, false},
	{"PUT",  "/api/v1/listing/policies",   api_listing_policies, WHO_THERAPIST, true},
	{"GET",  "/api/v1/openapi.json",       api_openapi,    WHO_ANYONE,  false},
	/* The API of accounts: csrf means the X-CSRF-Token header. Signing up
	 * or in and the reset need no token: there is no session to ride, and
	 * a cross-site form cannot send the JSON they take (415). */
	{"POST", "/api/v1/users",              api_signup,     WHO_ANYONE,  false},
	{"POST", "/api/v1/session",            api_signin,     WHO_ANYONE,  false},
	{"DELETE", "/api/v1/session",          api_signout,    WHO_SIGNED_IN, true},
	{"DELETE", "/api/v1/sessions",         api_signout_all, WHO_SIGNED_IN, true},
	{"GET",  "/api/v1/me",                 api_me,         WHO_SIGNED_IN, false},
	{"POST", "/api/v1/password-reset",     api_reset,      WHO_ANYONE,  false},
	{"PUT",  "/api/v1/password",           api_password,   WHO_ANYONE,  false},
	{"GET",  "/api/v1/requests",           api_requests,   WHO_SIGNED_IN, false},
	{"POST", "/api/v1/requests",           api_request_send, WHO_SIGNED_IN, true},
	{"POST", "/api/v1/requests/{id}/answer", api_answer,   WHO_THERAPIST, true},
	{"POST", "/api/v1/orgs",               api_orgs_add,   WHO_SIGNED_IN, true},
	{"GET",  "/api/v1/listing",            api_listing,    WHO_THERAPIST, false},
	{"POST", "/api/v1/listing/claim",      api_listing_claim, WHO_THERAPIST, true},
	{"POST", "/api/v1/listing/confirm",    api_listing_confirm, WHO_THERAPIST, true},
	{"GET",  "/api/v1/admin/queue",        api_admin_queue, WHO_ADMIN,  false},
	{"POST", "/api/v1/admin/listings/{id}/verify", api_admin_verify, WHO_ADMIN, true},
	{"POST", "/api/v1/admin/listings/{id}/hide",   api_admin_hide,   WHO_ADMIN, true},
	{"POST", "/api/v1/admin/listings/{id}/unhide", api_admin_unhide, WHO_ADMIN, true},
};

const size_t n_routes = sizeof(routes) / sizeof(routes[0]);
