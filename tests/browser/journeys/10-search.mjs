// 10-search.mjs: a clinician's search with JavaScript off: the home page's
// "Find a therapist", the form filled by its labels, result cards with
// their reasons, the funnel, and the first result's profile with its
// facts. Leaves env.state.profile, the first result's address.
import { assert } from '../lib.mjs';

export const modes = ['nojs-1280'];

// The search a clinician makes: the form's labels.
const SEARCH = {
	state: 'New York',
	modality: 'Telehealth or in person',
	budget: '150',
	goals: ['Burnout', 'Countertransference'],
	career: 'Early career',
};

export default async function (env) {
	const { base, check } = env;
	const page = await env.page('seeker');
	let profile = null;
	let cardName = null;

	try {
		const home = await check('flow_home', async () => {
			const r = await page.goto(`${base}/`);
			assert(r.status() === 200, `GET / answered ${r.status()}`);
			const link = page.getByRole('main').getByRole('link', { name: 'Find a therapist' });
			assert(await link.count() === 1, `the home page's main part has ${await link.count()} links named "Find a therapist"`);
			await Promise.all([page.waitForURL(`${base}/search`), link.click()]);
			const h1 = await page.locator('h1').innerText();
			assert(/find a therapist/i.test(h1), `"Find a therapist" led to a page headed "${h1}"`);
		});
		if (!home)
			return null;

		const filled = await check('flow_fill_form', async () => {
			await page.getByLabel('State or province where you will be during sessions')
				.selectOption({ label: SEARCH.state });
			await page.getByLabel(SEARCH.modality, { exact: true }).check();
			await page.getByLabel('Most you can pay a session').fill(SEARCH.budget);
			await page.getByLabel('I would use a sliding scale').check();
			await page.getByLabel('Goals', { exact: true })
				.selectOption(SEARCH.goals.map((label) => ({ label })));
			await page.getByLabel('Your career stage').selectOption({ label: SEARCH.career });
			const goals = await page.locator('#goals').evaluate(
				(s) => [...s.selectedOptions].map((o) => o.value));
			assert(goals.join(',') === 'burnout,countertransference',
				`the goals list holds ${JSON.stringify(goals)} after picking ${SEARCH.goals.join(' and ')}`);
		});
		if (!filled)
			return null;

		const searched = await check('flow_submit', async () => {
			const [resp] = await Promise.all([
				page.waitForResponse((r) => r.url() === `${base}/search` && r.request().method() === 'POST'),
				page.getByRole('button', { name: 'Search', exact: true }).click(),
			]);
			await page.waitForLoadState('load');
			assert(resp.status() === 200, `POST /search answered ${resp.status()}:\n${(await page.locator('main').innerText()).slice(0, 400)}`);
			const body = resp.request().postData() ?? '';
			for (const f of ['jurisdiction=US-NY', 'modality=either', 'budget=150', 'sliding_scale=1',
				'goals=burnout', 'goals=countertransference', 'career_stage=early_career'])
				assert(body.split('&').includes(f), `the form's body lacks ${f}: ${body}`);
			assert(!page.url().includes('?'), `the search's fields went into the address: ${page.url()}`);
		});
		if (!searched)
			return null;

		await check('flow_results', async () => {
			const cards = page.locator('article.card');
			const n = await cards.count();
			assert(n >= 1, 'no result cards');
			for (let i = 0; i < n; i++) {
				const reasons = await cards.nth(i).locator('ul.reasons > li').count();
				const name = await cards.nth(i).locator('h2').innerText();
				assert(reasons >= 1, `the card of ${name} gives no reasons (ul.reasons has no li)`);
			}
			cardName = (await cards.first().locator('h2 a').innerText()).trim();
			profile = await cards.first().locator('h2 a').getAttribute('href');
			assert(/^\/therapists\/[^/]+$/.test(profile ?? ''), `the first card links to ${profile}`);
			console.log(`#   ${n} cards; the first: ${cardName} (${profile}), reasons: ` +
				(await cards.first().locator('ul.reasons > li').allInnerTexts()).join('; '));
		});

		await check('flow_funnel', async () => {
			const funnel = page.locator('section.funnel');
			assert(await funnel.count() === 1, 'no section.funnel on the results page');
			const heading = await funnel.locator('h2').innerText();
			assert(/^\d+ therapists? fits?$/.test(heading.trim()), `the funnel is headed "${heading}"`);
			const rows = funnel.locator('table tbody tr');
			const n = await rows.count();
			assert(n >= 1, 'the funnel table has no rows');
			for (let i = 0; i < n; i++) {
				const cells = await rows.nth(i).locator('th, td').allInnerTexts();
				assert(cells.length === 2 && /^\d+$/.test(cells[1].trim()),
					`funnel row ${i + 1} is ${JSON.stringify(cells)}, not a rule and a count`);
			}
			const fits = Number(heading.match(/\d+/)[0]);
			const cards = await page.locator('article.card').count();
			assert(cards === Math.min(fits, 10), `the funnel says ${fits} fit but the page shows ${cards} cards`);
		});

		if (!profile)
			return null;
		await check('flow_profile', async () => {
			await Promise.all([page.waitForURL(`${base}${profile}`),
				page.locator('article.card').first().locator('h2 a').click()]);
			const h1 = (await page.locator('h1').innerText()).trim();
			assert(h1.startsWith(cardName.replace(/,.*/, '')), `the profile is headed "${h1}", the card said "${cardName}"`);
			const terms = (await page.locator('dl.facts dt').allInnerTexts()).map((t) => t.trim());
			for (const t of ['Approach', 'Works with', 'Languages', 'Sessions', 'Licensed in', 'Fee', 'Open hours'])
				assert(terms.includes(t), `the profile's facts lack "${t}" (it has: ${terms.join(', ')})`);
			const dds = await page.locator('dl.facts dd').allInnerTexts();
			assert(dds.length === terms.length && dds.every((d) => d.trim()),
				`${terms.length} facts but ${dds.length} values, some empty`);
			const works = dds[terms.indexOf('Works with')];
			assert(/burnout|countertransference/i.test(works),
				`the first match for burnout and countertransference works with "${works}"`);
		});
		return profile;
	} finally {
		env.state.profile = profile;
	}
}

// The organizations' type-ahead, with JavaScript on.
export async function typeahead(env) {
	const { base, check, STEP_MS } = env;
	const page = await env.page('seeker');
		await check('flow_org_typeahead', async () => {
			await page.goto(`${base}/search`);
			await page.locator('input[name="aff_org1"]').pressSequentially('Psych', { delay: 20 });
			await page.waitForFunction(() => document.querySelectorAll('#orgs-0 option').length > 0,
				null, { timeout: STEP_MS });
			const first = await page.locator('#orgs-0 option').first().getAttribute('value');
			assert(/^org-/.test(first ?? ''), `the first suggestion is "${first}"`);
		});
}
