/*
 * routes.c: every address chiron answers, who may call it, whether a
 * CSRF token is required, and the fields it reads. The dispatcher
 * (server.c) checks the method, the caller and the fields before the
 * handler runs: a field that is not what its table says is answered 400
 * naming it (a path's {id}, 404), and the handler reads typed values
 * (req_int, req_text, req_has in http.h), never converting text itself.
 */
#include <stdint.h>

#include "core/kinds.h"
#include "core/query.h"
#include "web/pages.h"

/* A row may leave out the last fields (body, fields): most take the default. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* ----------------------------------------------------------------------
 * The fields of the routes that read more than text (core/field.h)
 * ---------------------------------------------------------------------- */

#define F_END {NULL, F_TEXT, 0, 0, false, NULL, NULL}
/* A path's {id}: a listing's record id, or a number (appointment, series,
 * closure, request). */
#define PATH_RECORD {"{id}", F_ID, 0, 0, true, NULL, NULL}
#define PATH_NUMBER {"{id}", F_INT, 1, INT64_MAX, true, NULL, NULL}
#define KIND(req) {"kind", F_ENUM, 0, 0, req, session_kind_names, NULL}
#define MODALITY {"modality", F_ENUM, 0, 0, false, modality_names, NULL}
/* A week of the booking page, from this one to the last of the horizon. */
#define WEEK {"week", F_INT, 0, HORIZON_WEEKS - 1, false, NULL, \
	"choose a week from this one to 51 weeks ahead"}
/* The booking page's choices, in the person's words when at fault. */
#define PAGE_KIND {"kind", F_ENUM, 0, 0, false, session_kind_names, \
	"choose one of the kinds of session shown"}
#define PAGE_MODALITY {"modality", F_ENUM, 0, 0, false, modality_names, \
	"choose one of the ways of meeting shown"}
/* A slot's start, in seconds since 1970, as the booking page's buttons send it. */
#define START {"start", F_INT, 0, INT64_MAX, false, NULL, "choose one of the times shown"}
#define CHECKBOX(name) {name, F_BOOL, 0, 0, false, NULL, NULL}
#define WHOLE(name, say) {name, F_INT, 0, 99999, false, NULL, say}

static const struct field f_record[] = { PATH_RECORD, F_END };
static const struct field f_number[] = { PATH_NUMBER, F_END };
/* The profile's statement and photo (multipart); ?saved=1, ?too_big=1 on the form. */
static const struct field f_profile[] = {
	{"statement", F_TEXT, 0, 0, false, NULL, NULL},
	CHECKBOX("saved"), CHECKBOX("too_big"),
	F_END,
};
static const struct field f_search[] = {
	{"page", F_INT, 1, QUERY_LIMIT_MAX / 10, false, NULL, "choose a page of results shown"},
	F_END,
};
static const struct field f_book[] = { PATH_RECORD, WEEK, PAGE_KIND, PAGE_MODALITY, START, F_END };
static const struct field f_move[] = { PATH_NUMBER, WEEK, PAGE_KIND, PAGE_MODALITY, START, F_END };
/* One session's page: just booked, or just moved from a start. */
static const struct field f_appt[] = {
	PATH_NUMBER, CHECKBOX("booked"), {"moved_from", F_INT, 0, INT64_MAX, false, NULL, NULL}, F_END,
};
static const struct field f_timezone[] = { {"timezone", F_TEXT, 0, 0, false, NULL, NULL}, F_END };
static const struct field f_appt_back[] = { PATH_NUMBER, CHECKBOX("from_schedule"), F_END };
static const struct field f_series[] = {
	PATH_NUMBER,
	{"interval_weeks", F_INT, 1, 2, false, NULL, "a series is weekly (1) or fortnightly (2)"},
	{"count", F_INT, 2, SERIES_MAX, false, NULL, "a series has 2 to 26 sessions"},
	CHECKBOX("from_schedule"),
	F_END,
};
static const struct field f_wait[] = { PATH_RECORD, KIND(false), CHECKBOX("from_schedule"), F_END };
/* My schedule's two forms (.form: every field at fault is named on the
 * page, in the words of its label; page_myschedule.c checks the ranges
 * with the same sentences). */
#define MINUTES(k, a) {"minutes_" k, F_INT, -99999, 99999, false, NULL, \
	"Length of " a ": give a number of minutes from 5 to 480"}
#define STEP(k, a) {"step_" k, F_INT, -99999, 99999, false, NULL, \
	"How often " a " may start: give a number of minutes from 5 to 1440 in steps of 5, like 30 or 60"}
#define OFFER(k, a) CHECKBOX("offer_" k), MINUTES(k, a), STEP(k, a)
static const struct field f_schedule_save[] = {
	{"notice_hours", F_INT, 0, 168, true, NULL,
	 "Notice for cancelling or moving: give a number of hours from 0 to 168"},
	{"booking_notice_hours", F_INT, 0, BOOKING_NOTICE_MAX, false, NULL,
	 "Booking notice: give a number of hours from 0 to 720 (30 days)"},
	OFFER("consultation", "a consultation"), OFFER("individual", "an individual session"),
	OFFER("couples", "a couples session"), OFFER("group", "a group session"),
	{"capacity_group", F_INT, -99999, 99999, false, NULL,
	 "Seats in a group session: give a number from 1 to 100"},
	F_END,
};
static const struct field f_closure_add[] = {
	{"first_day", F_DAY, 0, 0, true, NULL, "First closed day: give a date, like 2027-03-09"},
	{"last_day", F_DAY, 0, 0, false, NULL,
	 "Last closed day: give a date, like 2027-03-12, or leave it empty to close one day"},
	{"start", F_HHMM, 0, 0, false, NULL, "Closed from: give a time, like 13:00, or leave it empty"},
	{"end", F_HHMM, 0, 0, false, NULL, "Closed until: give a time, like 17:00, or leave it empty"},
	{"note", F_TEXT, 0, 199, false, NULL, "Note: keep it to 199 characters"},
	F_END,
};
static const struct field f_requests_page[] = {
	{"before", F_INT, 1, INT64_MAX, false, NULL, "That page of requests does not exist."},
	F_END,
};
/* The pages of the audit trail's entries about a person (before: an entry's number). */
static const struct field f_activity_page[] = {
	{"before", F_INT, 1, INT64_MAX, false, NULL, "That page of entries does not exist."},
	F_END,
};
static const struct field f_activity_api[] = {
	{"before", F_INT, 1, INT64_MAX, false, NULL, "before must be the next of a page"},
	F_END,
};
static const struct field f_requests_api[] = {
	{"before", F_INT, 1, INT64_MAX, false, NULL,
	 "before must be the received_next of a page (a request id)"},
	F_END,
};
/* A request and an answer: their words are checked by the service (empty,
 * too long), whose sentence the form shows; declared so the form keeps them. */
static const struct field f_request_send[] = {
	PATH_RECORD, {"message", F_TEXT, 0, 0, false, NULL, NULL}, CHECKBOX("reveal"), F_END,
};
static const struct field f_answer[] = {
	PATH_NUMBER, {"answer", F_TEXT, 0, 0, false, NULL, NULL}, F_END,
};
/* The admin's claim forms: what is missing is said by the handler, all at
 * once, on the desk again (page_listing.c). */
#define TEXT(name) {name, F_TEXT, 0, 0, false, NULL, NULL}
static const struct field f_admin_code[] = { PATH_RECORD, TEXT("email"), TEXT("source"), F_END };
static const struct field f_admin_verify[] = {
	PATH_RECORD, TEXT("board"), TEXT("licence_number"), CHECKBOX("licence_checked"),
	TEXT("override_reason"), F_END,
};
static const struct field f_admin_hide[] = { TEXT("therapist_id"), F_END };
static const struct field f_claim[] = { TEXT("therapist_id"), TEXT("npi"), CHECKBOX("npi_as_typed"),
	TEXT("find"), F_END };
static const struct field f_admin[] = {
	{"removed", F_ID, 0, 0, false, NULL, NULL},
	{"merged", F_ID, 0, 0, false, NULL, NULL},
	{"changed", F_INT, 0, INT64_MAX, false, NULL, NULL},
	F_END,
};
static const struct field f_slots_api[] = {
	PATH_RECORD, KIND(false), MODALITY,
	{"from", F_DAY, 0, 0, false, NULL, "a date YYYY-MM-DD"},
	{"days", F_INT, 1, HORIZON_WEEKS * 7, false, NULL, "1 to 364 days"},
	F_END,
};

/* The forms of accounts (page_account.c): each says in plain words what to give. */
#define HANDLE {"handle", F_TEXT, 3, 40, true, NULL, \
	"give a pseudonym of 3 to 40 letters, digits, dots, dashes or underscores"}
#define EMAIL(say) {"email", F_TEXT, 3, 254, true, NULL, say}
#define PASSWORD(min, say) {"password", F_TEXT, min, 1024, true, NULL, say}
static const struct field f_signup[] = {
	HANDLE,
	EMAIL("give your email address, like name@example.org"),
	PASSWORD(15, "choose a password of 15 to 128 characters"),
	{"role", F_TEXT, 1, 20, true, NULL, "choose whether you are looking for a therapist or are one"},
	F_END,
};
static const struct field f_signup_confirm[] = {
	{"handle", F_TEXT, 0, 40, false, NULL,
	 "give a pseudonym of 3 to 40 letters, digits, dots, dashes or underscores"},
	F_END,
};
static const struct field f_login[] = {
	{"login", F_TEXT, 1, 254, true, NULL, "give your pseudonym or the email of your account"},
	PASSWORD(1, "give your password"),
	F_END,
};
static const struct field f_reset[] = {
	EMAIL("give the email address of your account, like name@example.org"),
	F_END,
};
static const struct field f_reset_token[] = {
	PASSWORD(15, "choose a password of 15 to 128 characters"),
	F_END,
};
/* The second factor's forms (page_second_factor.c): the service says
 * what is wrong with a code or a password. */
static const struct field f_code[] = {
	{"code", F_TEXT, 1, 64, true, NULL, "enter the code from your authenticator app"},
	F_END,
};
static const struct field f_reauth[] = { PASSWORD(1, "enter your password"), F_END };
static const struct field f_reauth_off[] = {
	{"password_off", F_TEXT, 1, 1024, true, NULL, "enter your password"},
	F_END,
};
static const struct field f_password[] = {
	{"current", F_TEXT, 1, 1024, true, NULL, "enter your current password"},
	PASSWORD(1, "choose a new password"),
	F_END,
};
/* Your data (page_data.c): the password again, a format, the typed confirmation. */
static const struct field f_export[] = {
	PASSWORD(1, "give your password"),
	{"format", F_TEXT, 0, 8, false, NULL, "choose JSON or .ics"},
	F_END,
};
static const struct field f_close_account[] = {
	PASSWORD(1, "give your password"),
	{"confirm", F_TEXT, 0, 200, false, NULL, "type close my account to confirm"},
	F_END,
};
static const struct field f_close_listing[] = { PASSWORD(1, "give your password"), F_END };
static const struct field f_org_new[] = {
	{"name", F_TEXT, 3, 200, true, NULL, "give the organization's name, 3 to 200 characters"},
	{"kind", F_TEXT, 1, 40, true, NULL, "choose what kind of organization it is"},
	{"jurisdiction", F_TEXT, 1, 40, true, NULL, "choose the state or province it is in"},
	F_END,
};

const struct route routes[] = {
	/* method  path                        handler         who          csrf  [body] [.fields] */
	{"GET",  "/",                          page_home,      WHO_ANYONE,  false},
	{"GET",  "/privacy",                   page_privacy,   WHO_ANYONE,  false},
	{"GET",  "/search",                    page_search,    WHO_ANYONE,  false, .fields = f_search, .form = true},
	{"POST", "/search",                    page_search,    WHO_ANYONE,  false, .fields = f_search, .form = true},
	{"GET",  "/therapists/{id}",           page_therapist, WHO_ANYONE,  false, .fields = f_record},
	{"GET",  "/therapists/{id}/photo",     page_photo,     WHO_ANYONE,  false, .fields = f_record},
	{"GET",  "/static/{id}",               static_file,    WHO_ANYONE,  false},
	{"GET",  "/favicon.ico",               static_file,    WHO_ANYONE,  false},
	{"GET",  "/signup",                    page_signup,    WHO_ANYONE,  false},
	{"POST", "/signup",                    page_signup,    WHO_ANYONE,  true, .fields = f_signup, .form = true},
	{"GET",  "/login",                     page_login,     WHO_ANYONE,  false},
	{"POST", "/login",                     page_login,     WHO_ANYONE,  true, .fields = f_login, .form = true},
	{"GET",  "/login/code",                page_login_code, WHO_ANYONE, false},
	{"POST", "/login/code",                page_login_code, WHO_ANYONE, true, .fields = f_code, .form = true},
	{"POST", "/logout",                    page_logout,    WHO_SIGNED_IN, true, .setup = true},
	{"POST", "/logout-all",                page_logout_all, WHO_SIGNED_IN, true, .setup = true},
	{"GET",  "/account",                   page_account,   WHO_SIGNED_IN, false},
	/* The second factor: open to a therapist or admin without one (.setup). */
	{"GET",  "/account/second-factor",     page_second_factor, WHO_SIGNED_IN, false, .setup = true},
	{"POST", "/account/second-factor",     page_second_factor, WHO_SIGNED_IN, true, .fields = f_code, .form = true, .setup = true},
	{"POST", "/account/second-factor/recovery", page_second_factor_recovery, WHO_SIGNED_IN, true, .fields = f_reauth, .form = true},
	{"POST", "/account/second-factor/off", page_second_factor_off, WHO_SIGNED_IN, true, .fields = f_reauth_off, .form = true},
	{"GET",  "/account/password",          page_password,  WHO_SIGNED_IN, false},
	{"POST", "/account/password",          page_password,  WHO_SIGNED_IN, true, .fields = f_password, .form = true},
	{"GET",  "/account/activity",          page_activity,  WHO_SIGNED_IN, false, .fields = f_activity_page},
	{"GET",  "/account/data",              page_data,      WHO_SIGNED_IN, false},
	{"POST", "/account/export",            page_export,    WHO_SIGNED_IN, true, .fields = f_export, .form = true},
	{"GET",  "/account/close",             page_close_account, WHO_SIGNED_IN, false},
	{"POST", "/account/close",             page_close_account, WHO_SIGNED_IN, true, .fields = f_close_account, .form = true},
	{"GET",  "/listing/close",             page_close_listing, WHO_THERAPIST, false},
	{"POST", "/listing/close",             page_close_listing, WHO_THERAPIST, true, .fields = f_close_listing, .form = true},
	{"GET",  "/reset",                     page_reset,     WHO_ANYONE,  false},
	{"POST", "/reset",                     page_reset,     WHO_ANYONE,  true, .fields = f_reset, .form = true},
	{"GET",  "/orgs/new",                  page_org_new,   WHO_SIGNED_IN, false},
	{"POST", "/orgs/new",                  page_org_new,   WHO_SIGNED_IN, true, .fields = f_org_new, .form = true},
	{"GET",  "/requests",                  page_requests,  WHO_SIGNED_IN, false, .fields = f_requests_page},
	{"POST", "/request/{id}",              page_request_send, WHO_SIGNED_IN, true, .fields = f_request_send, .form = true},
	{"POST", "/answer/{id}",               page_answer,    WHO_THERAPIST, true, .fields = f_answer, .form = true},
	{"GET",  "/listing",                   page_listing,   WHO_THERAPIST, false},
	{"POST", "/listing/claim",             page_listing_claim, WHO_THERAPIST, true, .fields = f_claim, .form = true},
	{"POST", "/listing/code",              page_listing_code, WHO_THERAPIST, true},
	{"POST", "/listing/confirm",           page_listing_confirm, WHO_THERAPIST, true},
	{"GET",  "/listing/confirm/{id}",      page_confirm_link, WHO_ANYONE, false},
	{"POST", "/listing/confirm/{id}",      page_confirm_link, WHO_ANYONE, true},
	{"GET",  "/listing/edit",              page_listing_edit, WHO_THERAPIST, false},
	{"POST", "/listing/edit",              page_listing_edit, WHO_THERAPIST, true},
	{"GET",  "/listing/new",               page_listing_new, WHO_THERAPIST, false},
	{"POST", "/listing/new",               page_listing_new, WHO_THERAPIST, true},
	{"GET",  "/listing/profile",           page_profile_edit, WHO_THERAPIST, false, .fields = f_profile, .form = true},
	{"POST", "/listing/profile",           page_profile_edit, WHO_THERAPIST, true, "multipart/form-data", .fields = f_profile, .form = true},
	{"POST", "/listing/photo/remove",      page_photo_remove, WHO_THERAPIST, true},
	/* Booking: the week, then (GET with start) the check, then POST. */
	{"GET",  "/therapists/{id}/book",      page_book,      WHO_SIGNED_IN, false, .fields = f_book, .form = true},
	{"POST", "/therapists/{id}/book",      page_book,      WHO_SIGNED_IN, true, .fields = f_book, .form = true},
	{"GET",  "/therapy",                   page_therapy,   WHO_SIGNED_IN, false},
	{"POST", "/therapy/timezone",          page_timezone,  WHO_SIGNED_IN, true, .fields = f_timezone, .form = true},
	{"GET",  "/appointments/{id}",         page_appt,      WHO_SIGNED_IN, false, .fields = f_appt},
	{"GET",  "/appointments/{id}/move",    page_move,      WHO_SIGNED_IN, false, .fields = f_move, .form = true},
	{"POST", "/appointments/{id}/move",    page_move,      WHO_SIGNED_IN, true, .fields = f_move, .form = true},
	{"GET",  "/appointments/{id}/cancel",  page_appt_cancel, WHO_SIGNED_IN, false, .fields = f_appt_back},
	{"POST", "/appointments/{id}/cancel",  page_appt_cancel, WHO_SIGNED_IN, true, .fields = f_appt_back},
	{"POST", "/appointments/{id}/series",  page_appt_series, WHO_SIGNED_IN, true, .fields = f_series},
	{"POST", "/series/{id}/end",           page_series_end, WHO_SIGNED_IN, true, .fields = f_appt_back},
	{"POST", "/waitlist/{id}",             page_wait_join, WHO_SIGNED_IN, true, .fields = f_wait},
	{"POST", "/waitlist/{id}/leave",       page_wait_leave, WHO_SIGNED_IN, true, .fields = f_wait},
	{"GET",  "/schedule",                  page_schedule,  WHO_THERAPIST, false},
	{"POST", "/schedule",                  page_schedule_save, WHO_THERAPIST, true, .fields = f_schedule_save, .form = true},
	{"POST", "/schedule/closures",         page_closure_add, WHO_THERAPIST, true, .fields = f_closure_add, .form = true},
	{"POST", "/schedule/closures/{id}/delete", page_closure_delete, WHO_THERAPIST, true, .fields = f_number},
	{"GET",  "/feed",                      page_feed,      WHO_SIGNED_IN, false},
	{"POST", "/feed",                      page_feed,      WHO_SIGNED_IN, true},
	{"POST", "/feed/revoke",               page_feed_revoke, WHO_SIGNED_IN, true},
	/* The feed itself: the token in the address is the credential, for a
	 * calendar app that has no session. */
	{"GET",  "/feed/{id}",                 page_feed_ics,  WHO_ANYONE,  false},
	{"GET",  "/appointments/{id}/ics",     page_appointment_ics, WHO_SIGNED_IN, false, .fields = f_number},
	{"GET",  "/admin",                     page_admin,     WHO_ADMIN,   false, .fields = f_admin},
	{"POST", "/admin/code/{id}",           page_admin_code, WHO_ADMIN,  true, .fields = f_admin_code, .form = true},
	{"POST", "/admin/verify/{id}",         page_admin_verify, WHO_ADMIN, true, .fields = f_admin_verify, .form = true},
	{"POST", "/admin/reject/{id}",         page_admin_reject, WHO_ADMIN, true, .fields = f_record},
	{"POST", "/admin/remove",              page_admin_remove, WHO_ADMIN, true},
	{"POST", "/admin/orgs/merge",          page_admin_merge, WHO_ADMIN, true},
	{"POST", "/admin/hide",                page_admin_hide, WHO_ADMIN,  true, .fields = f_admin_hide, .form = true},
	{"POST", "/admin/unhide/{id}",         page_admin_unhide, WHO_ADMIN, true, .fields = f_record},
	{"GET",  "/signup/confirm/{id}",       page_signup_confirm, WHO_ANYONE, false},
	{"POST", "/signup/confirm/{id}",       page_signup_confirm, WHO_ANYONE, true, .fields = f_signup_confirm, .form = true},
	{"GET",  "/reset/{id}",                page_reset_token, WHO_ANYONE, false},
	{"POST", "/reset/{id}",                page_reset_token, WHO_ANYONE, true, .fields = f_reset_token, .form = true},
	{"GET",  "/calendar",                  page_calendar,  WHO_SIGNED_IN, false},
	{"POST", "/calendar",                  page_calendar,  WHO_SIGNED_IN, true, "multipart/form-data", .form = true},
	{"POST", "/calendar/use",              page_calendar_use, WHO_SIGNED_IN, true},
	{"POST", "/calendar/forget",           page_calendar_forget, WHO_SIGNED_IN, true},
	{"POST", "/api/v1/match",              api_match,      WHO_ANYONE,  false},
	{"GET",  "/api/v1/therapists/{id}",    api_therapist,  WHO_ANYONE,  false, .fields = f_record},
	{"GET",  "/api/v1/taxonomy",           api_taxonomy,   WHO_ANYONE,  false},
	{"GET",  "/api/v1/orgs",               api_orgs,       WHO_ANYONE,  false},
	{"GET",  "/api/v1/listing/record",     api_listing_record, WHO_THERAPIST, false},
	{"PUT",  "/api/v1/listing/record",     api_listing_record, WHO_THERAPIST, true},
	{"GET",  "/api/v1/listing/policies",   api_listing_policies, WHO_THERAPIST, false},
	{"PUT",  "/api/v1/listing/policies",   api_listing_policies, WHO_THERAPIST, true},
	{"GET",  "/api/v1/therapists/{id}/slots", api_slots,    WHO_ANYONE,  false, .fields = f_slots_api},
	{"GET",  "/api/v1/appointments",       api_appointments, WHO_SIGNED_IN, false},
	{"POST", "/api/v1/appointments",       api_book,       WHO_SIGNED_IN, true},
	{"POST", "/api/v1/appointments/{id}/cancel", api_appt_cancel, WHO_SIGNED_IN, true, .fields = f_number},
	{"POST", "/api/v1/appointments/{id}/move",   api_appt_move,   WHO_SIGNED_IN, true, .fields = f_number},
	{"POST", "/api/v1/appointments/{id}/series", api_appt_series, WHO_SIGNED_IN, true, .fields = f_number},
	{"GET",  "/api/v1/series",             api_series,     WHO_SIGNED_IN, false},
	{"POST", "/api/v1/series/{id}/end",    api_series_end, WHO_SIGNED_IN, true, .fields = f_number},
	{"GET",  "/api/v1/schedule",           api_schedule,   WHO_THERAPIST, false},
	{"PUT",  "/api/v1/schedule",           api_schedule,   WHO_THERAPIST, true},
	{"POST", "/api/v1/schedule/closures",  api_closure_add, WHO_THERAPIST, true},
	{"DELETE", "/api/v1/schedule/closures/{id}", api_closure_delete, WHO_THERAPIST, true, .fields = f_number},
	{"GET",  "/api/v1/waitlist",           api_waitlist,   WHO_SIGNED_IN, false},
	{"POST", "/api/v1/waitlist",           api_waitlist,   WHO_SIGNED_IN, true},
	{"POST", "/api/v1/waitlist/leave",     api_waitlist,   WHO_SIGNED_IN, true},
	{"PUT",  "/api/v1/me/timezone",        api_timezone,   WHO_SIGNED_IN, true},
	{"GET",  "/api/v1/openapi.json",       api_openapi,    WHO_ANYONE,  false},
	/* The API of accounts: csrf means the X-CSRF-Token header. Signing up
	 * or in and the reset need no token: there is no session to ride, and
	 * a cross-site form cannot send the JSON they take (415). */
	{"POST", "/api/v1/users",              api_signup,     WHO_ANYONE,  false},
	{"POST", "/api/v1/users/confirm",      api_signup_confirm, WHO_ANYONE, false},
	{"POST", "/api/v1/session",            api_signin,     WHO_ANYONE,  false},
	{"DELETE", "/api/v1/session",          api_signout,    WHO_SIGNED_IN, true, .setup = true},
	{"DELETE", "/api/v1/sessions",         api_signout_all, WHO_SIGNED_IN, true, .setup = true},
	{"GET",  "/api/v1/me",                 api_me,         WHO_SIGNED_IN, false, .setup = true},
	{"GET",  "/api/v1/account/activity",   api_activity,   WHO_SIGNED_IN, false, .fields = f_activity_api},
	{"POST", "/api/v1/password-reset",     api_reset,      WHO_ANYONE,  false},
	{"PUT",  "/api/v1/password",           api_password,   WHO_ANYONE,  false},
	{"GET",  "/api/v1/requests",           api_requests,   WHO_SIGNED_IN, false, .fields = f_requests_api},
	{"POST", "/api/v1/requests",           api_request_send, WHO_SIGNED_IN, true},
	{"POST", "/api/v1/requests/{id}/answer", api_answer,   WHO_THERAPIST, true, .fields = f_number},
	{"POST", "/api/v1/orgs",               api_orgs_add,   WHO_SIGNED_IN, true},
	{"GET",  "/api/v1/listing",            api_listing,    WHO_THERAPIST, false},
	{"POST", "/api/v1/listing/claim",      api_listing_claim, WHO_THERAPIST, true},
	{"POST", "/api/v1/listing/code",       api_listing_code, WHO_THERAPIST, true},
	{"POST", "/api/v1/listing/confirm",    api_listing_confirm, WHO_THERAPIST, true},
	{"GET",  "/api/v1/admin/queue",        api_admin_queue, WHO_ADMIN,  false},
	{"POST", "/api/v1/admin/listings/{id}/code",   api_admin_code,   WHO_ADMIN, true, .fields = f_record},
	{"POST", "/api/v1/admin/listings/{id}/verify", api_admin_verify, WHO_ADMIN, true, .fields = f_record},
	{"POST", "/api/v1/admin/listings/{id}/reject", api_admin_reject, WHO_ADMIN, true, .fields = f_record},
	{"POST", "/api/v1/admin/listings/{id}/hide",   api_admin_hide,   WHO_ADMIN, true, .fields = f_record},
	{"POST", "/api/v1/admin/listings/{id}/unhide", api_admin_unhide, WHO_ADMIN, true, .fields = f_record},
	{"DELETE", "/api/v1/admin/listings/{id}",      api_admin_remove, WHO_ADMIN, true, .fields = f_record},
	{"POST", "/api/v1/admin/orgs/merge",   api_admin_merge, WHO_ADMIN,  true},
	{"POST", "/api/v1/listing/confirmations", api_listing_confirm_token, WHO_ANYONE, false},
	/* The clinician's own calendar: the body of a PUT is the .ics itself. */
	{"GET",  "/api/v1/me/busy",            api_busy,       WHO_SIGNED_IN, false},
	{"PUT",  "/api/v1/me/busy",            api_busy,       WHO_SIGNED_IN, true, "text/calendar"},
	{"DELETE", "/api/v1/me/busy",          api_busy,       WHO_SIGNED_IN, true},
	{"GET",  "/api/v1/me/feed",            api_feed,       WHO_SIGNED_IN, false},
	{"POST", "/api/v1/me/feed",            api_feed_create, WHO_SIGNED_IN, true},
	{"DELETE", "/api/v1/me/feed",          api_feed_revoke, WHO_SIGNED_IN, true},
	/* Export and erasure: the password in the body, every time. */
	{"POST", "/api/v1/account/export",     api_export,     WHO_SIGNED_IN, true},
	{"POST", "/api/v1/account/export.ics", api_export_ics, WHO_SIGNED_IN, true},
	{"POST", "/api/v1/account/erase",      api_erase,      WHO_SIGNED_IN, true},
	{"POST", "/api/v1/listing/close",      api_listing_close, WHO_THERAPIST, true},
};

const size_t n_routes = sizeof(routes) / sizeof(routes[0]);
