/*
 * page_home.c: what chiron is, and the privacy promise in plain words.
 */
#include <stdio.h>

#include "web/html.h"
#include "web/pages.h"

int
page_home(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	char n[32];

	(void)r;
	snprintf(n, sizeof(n), "%u", req_index(r)->n);
	return page_begin(r, p, "A therapist for the therapist") ||
	       html(b, "<h1>A therapist for the therapist</h1>\n"
	               "<p class=\"lede\">You hold other people's pain all day. chiron helps you "
	               "find a therapist of your own: one who is not your colleague's supervisor "
	               "or on your licensing board, who can legally see you by telehealth, whose "
	               "fee fits your budget and whose open hours fit the gaps in your week.</p>\n"
	               "<p><a class=\"button\" href=\"/search\">Find a therapist</a></p>\n"
	               "<p>The directory lists ") ||
	       html_txt(b, n) ||
	       html(b, " therapists who see clinicians. Every match says why it was made.</p>\n"
	               "<h2>Your privacy</h2>\n<ul>\n"
	               "<li>A search is not stored. You do not need an account to search.</li>\n"
	               "<li>The organizations you name to screen out dual relationships are used "
	               "for that search only, sent in the body of a form, never in the address, "
	               "and never shown to any therapist.</li>\n"
	               "<li>Therapists see only what you choose to send them.</li>\n"
	               "<li>The server's log records which page was asked for and when, not what "
	               "you searched for, and not your address.</li>\n</ul>\n"
	               "<p><a href=\"/privacy\">What chiron stores, in full</a></p>\n") ||
	       page_end(p);
}

int
page_privacy(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;

	(void)r;
	return page_begin(r, p, "Privacy") ||
	       html(b, "<h1>What chiron stores, and who sees it</h1>\n"
	               "<h2>Stored</h2>\n<ul>\n"
	               "<li>The directory: what each therapist publishes about their practice "
	               "(name, credentials, licenses, fees, approach, hours, policies, and the "
	               "organizations they are affiliated with, which are used only to screen "
	               "out dual relationships).</li>\n"
	               "<li>A log of requests: time, method, page, status and size. No query "
	               "strings, no form contents, no addresses.</li>\n"
	               "<li>If you have an account: your pseudonym, email, a hash of your password, "
	               "your consultation requests, and, only if you ask to save them, your search "
	               "preferences and organizations (seen by you alone).</li>\n"
	               "<li>If you upload the calendar of your caseload: the start and end time of "
	               "each busy period in the four weeks read, seen by you alone, until you upload "
	               "another or forget it.</li>\n</ul>\n"
	               "<h2>Not stored</h2>\n<ul>\n"
	               "<li>Your searches: your location, budget, goals, free hours and "
	               "affiliations are used to answer one request and then discarded.</li>\n"
	               "<li>Anything else of an uploaded calendar: event titles, attendees, "
	               "descriptions, locations and the file itself.</li>\n"
	               "</ul>\n<h2>Who sees what</h2>\n<ul>\n"
	               "<li>Anyone can read the directory.</li>\n"
	               "<li>No therapist ever sees a seeker's affiliations or searches.</li>\n"
	               "</ul>\n") ||
	       page_end(p);
}
