/*
 * page_home.c: the first page (what chiron is, its promise of
 * confidentiality, the way in for clinicians and for therapists) and
 * /privacy, which renders every item of app/privacy.c.
 */
#include "app/privacy.h"
#include "app/services.h"
#include "web/html.h"
#include "web/pages.h"

int
page_home(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	bool therapist = r->user && (r->who.role == ACCT_THERAPIST || r->who.therapist_id[0]);

	return page_begin(r, p, "A therapist of your own") ||
	       html(b, "<h1>A therapist of your own</h1>\n"
	               "<p class=\"lede\">You hold other people's pain all day. chiron helps "
	               "counselors, psychologists, social workers and other clinicians find a "
	               "therapist for themselves: someone outside your professional circle, licensed "
	               "where you live, whose fee fits your budget and whose open hours fit the gaps "
	               "in your week.</p>\n<div class=\"actions\">"
	               "<a class=\"button\" href=\"/search\">Find a therapist</a>") ||
	       html_pick(b, therapist,
	                 "<a class=\"button secondary\" href=\"/listing\">Your listing</a>",
	                 "<a class=\"button secondary\" href=\"/signup?role=therapist\">List your practice</a>") ||
	       html(b, "</div>\n<p class=\"muted\">The directory lists ") ||
	       html_int(b, (long)req_index(r)->n) ||
	       html(b, " therapists who see clinicians. You need no account to search.</p>\n"
	               "<div class=\"cols even\">\n"
	               "<section class=\"card\" aria-labelledby=\"promise-h\">"
	               "<h2 id=\"promise-h\">Confidential by design</h2>\n<ul>\n"
	               "<li>Your searches are not kept: where you live, your budget and your goals "
	               "answer one search and are dropped.</li>\n"
	               "<li>The organizations you name, so that no colleague, supervisor or board "
	               "member comes up, are never shown to a therapist.</li>\n"
	               "<li>Therapists know you by a pseudonym you choose. Your email is never "
	               "shown to anyone.</li>\n"
	               "<li>The server's log keeps which page was asked for and when, not what you "
	               "searched for.</li>\n</ul>\n"
	               "<p><a href=\"/privacy\">Everything chiron keeps, and for how long</a></p>"
	               "</section>\n"
	               "<section class=\"card\" aria-labelledby=\"how-h\">"
	               "<h2 id=\"how-h\">How it works</h2>\n<ol>\n"
	               "<li>Say where you live, what you can pay and what you want to work on; "
	               "name the organizations you belong to.</li>\n"
	               "<li>Read why each therapist was matched, and what they say about "
	               "confidentiality and dual relationships.</li>\n"
	               "<li>Write to a therapist under your pseudonym, or book a time that is "
	               "open, with an account.</li>\n</ol>\n"
	               "<p>A therapist? <a href=\"") ||
	       html_pick(b, therapist, "/listing\">Keep your listing current",
	                 "/signup?role=therapist\">List your practice") ||
	       html(b, "</a>: clinicians looking for a therapist find you, and you set your own "
	               "hours and policies.</p></section>\n</div>\n") ||
	       page_end(p);
}

/*
 * /privacy: every item of app/privacy.c, by group: what it is, why it is
 * kept, who can see it and for how long. One card per item, so it reads
 * on a phone as on a desk (no wide table).
 */
int
page_privacy(struct req *r, struct resp *p)
{
	struct buf *b = &p->body;
	size_t i;
	int g;

	if (page_begin(r, p, "Privacy") ||
	    html(b, "<h1>What chiron keeps, and who sees it</h1>\n"
	            "<p class=\"lede\">chiron is for clinicians looking for a therapist of their own, "
	            "so whether you have an account here is itself private. This page lists "
	            "everything chiron keeps, generated from the same table the code and its tests "
	            "use: nothing is kept that is not on it.</p>\n"
	            "<ul>\n<li>You need no account to search, and searches are not kept.</li>\n"
	            "<li>Therapists see your pseudonym, and only when you write to them or book; "
	            "never your email.</li>\n"
	            "<li>Secrets (passwords, links, sessions, your calendar feed's address) are "
	            "kept only as hashes.</li>\n</ul>\n"
	            "<nav aria-labelledby=\"privacy-contents\"><h2 id=\"privacy-contents\" "
	            "class=\"visually-hidden\">Contents</h2><ul>\n"))
		return -1;
	for (g = 0; g < PRIV__MAX; g++)
		if (html(b, "<li><a href=\"#group-") || html_int(b, g) || html(b, "\">") ||
		    html_txt(b, privacy_group_names[g]) || html(b, "</a></li>\n"))
			return -1;
	if (html(b, "</ul></nav>\n"))
		return -1;
	for (g = 0; g < PRIV__MAX; g++) {
		if (html(b, "<section aria-labelledby=\"group-") || html_int(b, g) ||
		    html(b, "\"><h2 id=\"group-") || html_int(b, g) || html(b, "\">") ||
		    html_txt(b, privacy_group_names[g]) || html(b, "</h2>\n"))
			return -1;
		for (i = 0; i < n_privacy_items; i++) {
			const struct privacy_item *it = &privacy_items[i];

			if (it->group != (enum privacy_group)g)
				continue;
			if (html(b, "<article class=\"card\"><h3>") || html_txt(b, it->what) ||
			    html(b, "</h3>\n<p>") || html_txt(b, it->why) ||
			    html(b, "</p>\n<dl class=\"facts\"><dt>Who can see it</dt><dd>") ||
			    html_txt(b, it->who) || html(b, "</dd><dt>How long</dt><dd>") ||
			    html_txt(b, it->how_long) || html(b, "</dd></dl></article>\n"))
				return -1;
		}
		if (html(b, "</section>\n"))
			return -1;
	}
	return html(b, "<p>Questions about what is kept, or a request to delete your account: "
	               "write to the people running this chiron.</p>\n") ||
	       page_end(p);
}
