// 90-pages.mjs: every kind of page, visited as each person (anyone, a
// therapist, an admin): kept as a screenshot, axe-core's WCAG 2.2 A/AA
// rules, nothing past the right edge, no ids on screen (lib.mjs visit).
export const modes = ['nojs-1280', 'nojs-375'];

const SEARCH_QUERY = 'jurisdiction=US-NY&modality=either&budget=150&sliding_scale=1' +
	'&goals=burnout&goals=countertransference&career_stage=early_career';

// Pages that still fail lib.mjs's visit for issue 10 (ids on screen, too
// wide on a phone): their problems are printed as "# todo", not failed.
// Each fix removes its page from here.
const TODO = new Set([]);

export default async function (env) {
	env.todo = TODO;
	const { check } = env;
	const anyone = await env.page('anyone');
	for (const [name, url, status] of [['home', '/', 200], ['privacy', '/privacy', 200],
		['search_form', '/search', 200], ['results', `/search?${SEARCH_QUERY}`, 200],
		['profile', env.state.profile ?? '/therapists/t-0000001', 200],
		['not_found', '/no-such-page', 404], ['signup', '/signup', 200], ['login', '/login', 200]])
		await check(`page_${name}`, () => env.goto(anyone, url, `pages-${name}`, status));

	for (const [who, pages] of [
		['bt_therapist', [['account', '/account'], ['activity', '/account/activity'], ['listing', '/listing'], ['listing_edit', '/listing/edit'],
			['requests', '/requests'], ['org_new', '/orgs/new'], ['schedule', '/schedule'],
			['therapy', '/therapy'], ['book', '/therapists/t-0000007/book?kind=individual']]],
		['bt_admin', [['admin', '/admin'], ['listing_new', '/listing/new']]]]) {
		const page = await env.page({ bt_therapist: 'therapist', bt_admin: 'admin' }[who] ?? who);
		const signedIn = await check(`page_sign_in_${who}`, () => env.signIn(page, who));
		if (!signedIn)
			continue;
		for (const [name, url] of pages)
			await check(`page_${name}`, () => env.goto(page, url, `pages-${who}-${name}`));
	}
}
