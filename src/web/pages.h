/*
 * pages.h: the page frame, errors, and every page and API entry point.
 *
 * One file per page (page_<name>.c) and per API resource (api_<name>.c),
 * each exporting the handlers named here; routes.c maps addresses to them.
 */
#ifndef CHIRON_PAGES_H
#define CHIRON_PAGES_H

#include "core/json.h"
#include "core/jw.h"
#include "core/verr.h"
#include "app/services.h"
#include "web/html.h"
#include "web/http.h"

/* The page frame: <head>, the site header and navigation, then <main>. */
int page_begin(struct req *r, struct resp *p, const char *title);
int page_end(struct resp *p);
/* The form's hidden CSRF field (the token of auth_csrf_token). */
int form_csrf(struct buf *b, struct req *r, struct resp *p);
/*
 * A form's errors (req_fail, http.h), one pattern on every page, after
 * the GOV.UK Design System's error summary:
 *   error_summary  at the top of the form's page, before its <h1>'s
 *                  content is read: "There is a problem" and one link
 *                  per error to the field's input (#name; an input's id
 *                  is its field's name); nothing when there is no error.
 *                  The page's <title> should begin "Error: " then
 *                  (page_begin does it when req_failed).
 *   field_error    the field's own sentence, just above its input, with
 *                  id "NAME-error"; nothing when the field has none.
 *   field_invalid  inside the input's tag: ' aria-invalid="true"
 *                  aria-describedby="NAME-error"' when it has an error.
 * Sentences are shown with their first letter capitalized. Each returns
 * 0, or -1 when the buffer could not grow.
 */
int error_summary(struct buf *b, const struct req *r);
int field_error(struct buf *b, const struct req *r, const char *field);
int field_invalid(struct buf *b, const struct req *r, const char *field);

/*
 * One input of a form in the one pattern: a .form-group holding the
 * label, the hint (when not NULL, id "NAME-hint"), the field's error and
 * the input (id and name NAME, of the type, holding value, with extra
 * markup such as MARKUP("required autocomplete=\"email\"")), described
 * by its hint and error, aria-invalid when it has one. 0, or -1.
 */
int form_input(struct buf *b, const struct req *r, const char *name, const char *label,
               const char *hint, const char *type, const char *value, struct markup extra);

/* path ("/login" or "/signup") with ?next= this page (web/auth.h
 * auth_here), for a link from a public page to sign in and come back;
 * written as an attribute's value. 0, or -1. */
int href_next(struct buf *b, struct req *r, const char *path);

/* The booking pages' shared words (page_schedule.c): the words for a
 * stored kind of session (the kind itself when it names none), and a
 * note after an action (role=status, or role=alert when bad; nothing
 * when msg is NULL). */
const char *kind_label(const char *kind);
int note(struct buf *b, const char *msg, bool bad);
/* The <li> rows of the series the viewer has on side (app/booking.h
 * SIDE_SEEKER or SIDE_THERAPIST), each with its "End the series" form;
 * how many in *n. 0, or -1. */
int series_list(struct req *r, struct resp *p, int side, int *n);

/* 303 to where (copied into the request's arena). */
int redirect(struct req *r, struct resp *p, const char *where);

/*
 * An error answer: JSON {"error":{"field","message"}} under /api/, an
 * HTML page elsewhere. Always succeeds (an empty body at worst).
 */
void error_response(struct req *r, struct resp *p, int status,
                    const char *field, const char *message);

/*
 * The answer when the store could not save for want of disk space
 * (store_failed_full): 503 with Retry-After, DISK_FULL_MESSAGE in JSON
 * under /api/, else a page saying it, which shows a form's fields back
 * (secrets and the CSRF token left out) so what the person typed is kept.
 */
#define DISK_FULL_MESSAGE "The server's disk is full; nothing was saved. Try again later."
void disk_full_response(struct req *r, struct resp *p);

/*
 * The one error of services and handlers is struct refusal (status, field,
 * message: app/services.h). refusal_response() answers it (error_response
 * with Retry-After on a 429 or 503) and returns 0. A validator's struct
 * verr (core/verr.h: records, queries, typed fields) becomes a refusal in
 * one place, refusal_of_verr(): its field and sentence copied into r's
 * arena (a generic sentence if that fails); returns why.
 */
int refusal_response(struct req *r, struct resp *p, const struct refusal *why);
struct refusal *refusal_of_verr(struct req *r, int status, const struct verr *e, struct refusal *why);
/* An API action's answer: 204 when done (rc 0), its refusal (rc > 0), or
 * -1 for the server's 500 (rc < 0). */
int no_content(struct req *r, struct resp *p, int rc, const struct refusal *why);

/* Sends buf as JSON with the given status. */
int json_response(struct resp *p, int status);
/* Ends w (core/jw.h), adds the newline every answer ends with, and sends
 * it as JSON with the given status: 0, or -1 (the server's 500) when w
 * failed at any point. */
int json_reply(struct resp *p, struct jw *w, int status);

int page_home(struct req *r, struct resp *p);
int page_privacy(struct req *r, struct resp *p);
int page_search(struct req *r, struct resp *p);
int page_therapist(struct req *r, struct resp *p);
/* GET /therapists/{id}/photo (page_therapist.c); the profile form (page_profile_edit.c). */
int page_photo(struct req *r, struct resp *p);
int page_profile_edit(struct req *r, struct resp *p);
int page_photo_remove(struct req *r, struct resp *p);
int static_file(struct req *r, struct resp *p);

int page_signup(struct req *r, struct resp *p);
int page_signup_confirm(struct req *r, struct resp *p);
int page_login(struct req *r, struct resp *p);
int page_logout(struct req *r, struct resp *p);
int page_logout_all(struct req *r, struct resp *p);
int page_account(struct req *r, struct resp *p);
int page_reset(struct req *r, struct resp *p);
/* The second factor and the password (page_second_factor.c). */
int page_login_code(struct req *r, struct resp *p);
int page_second_factor(struct req *r, struct resp *p);
int page_second_factor_recovery(struct req *r, struct resp *p);
int page_second_factor_off(struct req *r, struct resp *p);
int page_password(struct req *r, struct resp *p);
int page_reset_token(struct req *r, struct resp *p);

int page_org_new(struct req *r, struct resp *p);
int page_calendar(struct req *r, struct resp *p);
int page_calendar_use(struct req *r, struct resp *p);
int page_calendar_forget(struct req *r, struct resp *p);
int page_requests(struct req *r, struct resp *p);
/* Who used the signed-in person's data (page_activity.c). */
int page_activity(struct req *r, struct resp *p);
int page_request_send(struct req *r, struct resp *p);
int page_answer(struct req *r, struct resp *p);
/* The consultation request form for a profile page. */
int page_request_form(struct req *r, struct resp *p, const char *therapist_id);

int page_listing(struct req *r, struct resp *p);
int page_listing_claim(struct req *r, struct resp *p);
int page_listing_code(struct req *r, struct resp *p);
int page_listing_confirm(struct req *r, struct resp *p);
int page_confirm_link(struct req *r, struct resp *p);
int page_listing_edit(struct req *r, struct resp *p);
int page_listing_new(struct req *r, struct resp *p);
int api_listing_record(struct req *r, struct resp *p);
int api_listing_policies(struct req *r, struct resp *p);
int page_feed(struct req *r, struct resp *p);
int page_feed_revoke(struct req *r, struct resp *p);
int page_feed_ics(struct req *r, struct resp *p);
int page_appointment_ics(struct req *r, struct resp *p);
int page_admin(struct req *r, struct resp *p);
int page_admin_code(struct req *r, struct resp *p);
int page_admin_reject(struct req *r, struct resp *p);
int page_admin_verify(struct req *r, struct resp *p);
int page_admin_remove(struct req *r, struct resp *p);
int page_admin_merge(struct req *r, struct resp *p);
int page_admin_hide(struct req *r, struct resp *p);
int page_admin_unhide(struct req *r, struct resp *p);
/* "Confirmed current N days ago; verified" for a profile. */
int listing_standing(struct buf *b, struct req *r, const char *therapist_id);

/*
 * The API's shared reading and writing (api_json.c).
 *
 * api_body: the request's body as a JSON object (an empty body is {})
 * whose keys are all in allowed (NULL-ended); NULL with *e naming the
 * field or the byte at fault when it is not one. api_str: member key of o
 * when it is a string (*out NULL when absent or null); -1 with *e when it
 * is another type. api_invalid answers *e as a 400 and returns 0.
 */
jnode *api_body(struct req *r, const char *const *allowed, struct verr *e);
int api_str(struct req *r, jnode *o, const char *key, const char **out, struct verr *e);
int api_invalid(struct req *r, struct resp *p, const struct verr *e);
/* Input: instants and dates are read by core/field.h's field_parse_instant
 * and field_parse_day, the validators of the typed form fields. */
/* Answers status with {"user":{handle, role, therapist_id},"csrf"} of r->user. */
int api_session(struct req *r, struct resp *p, int status);

int api_match(struct req *r, struct resp *p);
int api_therapist(struct req *r, struct resp *p);
int api_taxonomy(struct req *r, struct resp *p);
int api_orgs(struct req *r, struct resp *p);
int api_orgs_add(struct req *r, struct resp *p);
int api_openapi(struct req *r, struct resp *p);

int api_signup(struct req *r, struct resp *p);
int api_signup_confirm(struct req *r, struct resp *p);
int api_signin(struct req *r, struct resp *p);
int api_signout(struct req *r, struct resp *p);
int api_signout_all(struct req *r, struct resp *p);
int api_me(struct req *r, struct resp *p);
int api_reset(struct req *r, struct resp *p);
int api_password(struct req *r, struct resp *p);

int api_requests(struct req *r, struct resp *p);
/* The audit trail's entries about the caller (api_activity.c). */
int api_activity(struct req *r, struct resp *p);
int api_request_send(struct req *r, struct resp *p);
int api_answer(struct req *r, struct resp *p);

int api_listing(struct req *r, struct resp *p);
int api_listing_claim(struct req *r, struct resp *p);
int api_listing_code(struct req *r, struct resp *p);
int api_listing_confirm(struct req *r, struct resp *p);

int page_book(struct req *r, struct resp *p);
int page_move(struct req *r, struct resp *p);
/* One session: its facts, the .ics, after booking (?booked) or moving (?moved_from). */
int page_appt(struct req *r, struct resp *p);
int page_therapy(struct req *r, struct resp *p);
int page_appt_cancel(struct req *r, struct resp *p);
int page_appt_series(struct req *r, struct resp *p);
int page_series_end(struct req *r, struct resp *p);
int page_wait_join(struct req *r, struct resp *p);
int page_wait_leave(struct req *r, struct resp *p);
int page_timezone(struct req *r, struct resp *p);
int page_schedule(struct req *r, struct resp *p);
int page_schedule_save(struct req *r, struct resp *p);
int page_closure_add(struct req *r, struct resp *p);
int page_closure_delete(struct req *r, struct resp *p);

int api_slots(struct req *r, struct resp *p);
int api_book(struct req *r, struct resp *p);
int api_appointments(struct req *r, struct resp *p);
int api_appt_cancel(struct req *r, struct resp *p);
int api_appt_move(struct req *r, struct resp *p);
int api_appt_series(struct req *r, struct resp *p);
int api_series(struct req *r, struct resp *p);
int api_series_end(struct req *r, struct resp *p);
int api_schedule(struct req *r, struct resp *p);
int api_closure_add(struct req *r, struct resp *p);
int api_closure_delete(struct req *r, struct resp *p);
int api_waitlist(struct req *r, struct resp *p);
int api_timezone(struct req *r, struct resp *p);

int api_admin_queue(struct req *r, struct resp *p);
int api_admin_code(struct req *r, struct resp *p);
int api_admin_reject(struct req *r, struct resp *p);
int api_admin_verify(struct req *r, struct resp *p);
int api_admin_hide(struct req *r, struct resp *p);
int api_admin_remove(struct req *r, struct resp *p);
int api_admin_merge(struct req *r, struct resp *p);
int api_listing_confirm_token(struct req *r, struct resp *p);
int api_admin_unhide(struct req *r, struct resp *p);
int api_busy(struct req *r, struct resp *p);

int api_feed(struct req *r, struct resp *p);
int api_feed_create(struct req *r, struct resp *p);
int api_feed_revoke(struct req *r, struct resp *p);
/* Your data: export and erasure (page_data.c, api_data.c). */
int page_data(struct req *r, struct resp *p);
int page_export(struct req *r, struct resp *p);
int page_close_account(struct req *r, struct resp *p);
int page_close_listing(struct req *r, struct resp *p);
int api_export(struct req *r, struct resp *p);
int api_export_ics(struct req *r, struct resp *p);
int api_erase(struct req *r, struct resp *p);
int api_listing_close(struct req *r, struct resp *p);

#endif
