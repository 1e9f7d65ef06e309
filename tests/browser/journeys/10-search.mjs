// 10-search.mjs: a clinician's search, with JavaScript off and on, wide
// and narrow: the home page's "Find a therapist", a first try with a bad
// budget and no state (the error summary, every value kept), the form
// filled by its labels (a state chosen, a ZIP code, checkboxes under
// "More preferences"), the results first (cards with reasons, then "Why
// not the others?"), and the first result's profile with its facts.
// Leaves env.state.profile, the first result's address.
import { assert } from '../lib.mjs';

// The search a clinician makes: the form's labels.
const SEARCH = {
	state: 'New York',
	modality: 'By video or in person',
	place: '10001',
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
			assert(await link.count() >= 1, 'the home page\'s main part has no link named "Find a therapist"');
			await Promise.all([page.waitForURL(`${base}/search`), link.first().click()]);
			const h1 = await page.locator('h1').innerText();
			assert(/find a therapist/i.test(h1), `"Find a therapist" led to a page headed "${h1}"`);
			await env.visit(page, 'search_form');
		});
		if (!home)
			return null;

		const state = () => page.getByLabel('State or province where you will be during sessions');
		const submit = async () => {
			const [resp] = await Promise.all([
				page.waitForResponse((r) => r.url() === `${base}/search` && r.request().method() === 'POST'),
				page.getByRole('button', { name: 'Search', exact: true }).click(),
			]);
			await page.waitForLoadState('load');
			return resp;
		};

		await check('flow_bad_values', async () => {
			await page.getByLabel('Most you can pay for a session').fill('abc');
			await page.getByLabel('ZIP code or city').fill('Zzyzx Qqq');
			const resp = await submit();
			assert(resp.status() === 400, `a bad budget and no state answered ${resp.status()}`);
			const summary = page.locator('.error-summary');
			assert(await summary.count() === 1, 'no error summary');
			const links = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
			for (const want of ['#jurisdiction', '#budget', '#place'])
				assert(links.includes(want), `the summary links to ${links.join(' ')}, not ${want}`);
			const budget = await page.getByLabel('Most you can pay for a session').inputValue();
			assert(budget === 'abc', `the budget typed came back as "${budget}"`);
			const place = await page.getByLabel('ZIP code or city').inputValue();
			assert(place === 'Zzyzx Qqq', `the place typed came back as "${place}"`);
			await env.visit(page, 'search_errors');
			// The summary's link takes the person to the field.
			await summary.locator('a[href="#budget"]').click();
			const focused = await page.evaluate(() => document.activeElement?.id ?? location.hash);
			assert(['budget', '#budget'].includes(focused), `the budget link led to "${focused}"`);
		});

		const filled = await check('flow_fill_form', async () => {
			await state().selectOption({ label: SEARCH.state });
			await page.getByLabel(SEARCH.modality, { exact: true }).check();
			await page.getByLabel('ZIP code or city').fill(SEARCH.place);
			await page.getByLabel('Most you can pay for a session').fill(SEARCH.budget);
			await page.getByLabel('I would use a sliding scale').check();
			const more = page.locator('details.disclosure', { has: page.locator('summary', { hasText: 'More preferences' }) });
			if (!(await more.evaluate((d) => d.open)))
				await more.locator('summary').first().click();
			const goals = page.getByRole('group', { name: 'What you would bring' });
			for (const g of SEARCH.goals)
				await goals.getByLabel(g, { exact: true }).check();
			await page.getByLabel('Your career stage').selectOption({ label: SEARCH.career });
		});
		if (!filled)
			return null;

		const searched = await check('flow_submit', async () => {
			const resp = await submit();
			assert(resp.status() === 200, `POST /search answered ${resp.status()}:\n${(await page.locator('main').innerText()).slice(0, 400)}`);
			const body = resp.request().postData() ?? '';
			for (const f of ['jurisdiction=US-NY', 'modality=either', 'place=10001', 'budget=150', 'sliding_scale=1',
				'goals=burnout', 'goals=countertransference', 'career_stage=early_career'])
				assert(body.split('&').includes(f), `the form's body lacks ${f}: ${body}`);
			assert(!page.url().includes('?'), `the search's fields went into the address: ${page.url()}`);
		});
		if (!searched)
			return null;

		await check('flow_results', async () => {
			const lede = (await page.locator('main .lede').first().innerText()).trim();
			assert(/^[\d,]+ therapists? fits? your search in New York/.test(lede), `the summary reads "${lede}"`);
			const cards = page.locator('article.card.result');
			const n = await cards.count();
			assert(n >= 1 && n <= 10, `${n} result cards`);
			for (let i = 0; i < n; i++) {
				const reasons = await cards.nth(i).locator('ul.reasons > li').count();
				const name = await cards.nth(i).locator('h2').innerText();
				assert(reasons >= 1 && reasons <= 3, `the card of ${name} gives ${reasons} reasons`);
				assert(await cards.nth(i).locator('.avatar').count() === 1, `the card of ${name} has no avatar`);
				assert(await cards.nth(i).locator('.fee').count() === 1, `the card of ${name} has no fee`);
			}
			cardName = (await cards.first().locator('h2 a').innerText()).trim();
			profile = await cards.first().locator('h2 a').getAttribute('href');
			assert(/^\/therapists\/[^/]+$/.test(profile ?? ''), `the first card links to ${profile}`);
			const text = await page.locator('main').innerText();
			assert(!/ranked lower/i.test(text), 'a card says "ranked lower"');
			console.log(`#   ${n} cards; the first: ${cardName} (${profile}), reasons: ` +
				(await cards.first().locator('ul.reasons > li').allInnerTexts()).join('; '));
			await env.visit(page, 'results');
		});

		await check('flow_funnel', async () => {
			const funnel = page.locator('details.funnel');
			assert(await funnel.count() === 1, 'no "Why not the others?" on the results page');
			const summary = (await funnel.locator('summary').innerText()).trim();
			assert(/^Why not the others\? \([\d,]+ set aside\)$/.test(summary), `the funnel is headed "${summary}"`);
			const after = await page.evaluate(() => {
				const cards = document.querySelectorAll('article.card.result');
				const f = document.querySelector('details.funnel');
				return !!(cards.length && f && (cards[cards.length - 1].compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING));
			});
			assert(after, '"Why not the others?" does not come after the cards');
			await funnel.locator('summary').click();
			const rows = funnel.locator('table tbody tr');
			const n = await rows.count();
			assert(n === 7, `the funnel table has ${n} rows`);
			for (let i = 0; i < n; i++) {
				const cells = await rows.nth(i).locator('th, td').allInnerTexts();
				assert(cells.length === 2 && /^[\d,]+$/.test(cells[1].trim()),
					`funnel row ${i + 1} is ${JSON.stringify(cells)}, not a rule and a count`);
			}
			await env.visit(page, 'results_funnel');
		});

		if (!profile)
			return null;
		await check('flow_profile', async () => {
			await Promise.all([page.waitForURL(`${base}${profile}`),
				page.locator('article.card.result').first().locator('h2 a').click()]);
			const h1 = (await page.locator('h1').innerText()).trim();
			assert(h1.startsWith(cardName.replace(/,.*/, '')), `the profile is headed "${h1}", the card said "${cardName}"`);
			const terms = (await page.locator('dl.facts dt').allInnerTexts()).map((t) => t.trim());
			for (const t of ['Approach', 'Works with', 'Languages', 'Sessions', 'Licensed in', 'Fee'])
				assert(terms.includes(t), `the profile's facts lack "${t}" (it has: ${terms.join(', ')})`);
			await env.visit(page, 'profile');
		});
		return profile;
	} finally {
		env.state.profile = profile;
	}
}
