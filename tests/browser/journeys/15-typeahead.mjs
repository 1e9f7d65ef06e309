// 15-typeahead.mjs: the organizations' type-ahead on the search form, with
// JavaScript on: typing part of a name suggests registry names (never ids),
// picking one keeps it by name, and the search screens it out by name.
import { assert } from '../lib.mjs';

export const modes = ['js-1280', 'js-375'];

export default async function (env) {
	const { base, check, STEP_MS } = env;
	const page = await env.page('seeker');
	let name = null;
	await check('flow_org_typeahead', async () => {
		await page.goto(`${base}/search`);
		const field = page.getByLabel('Organization 1', { exact: true });
		await field.pressSequentially('Newark Behav', { delay: 20 });
		await page.waitForFunction(() => document.querySelectorAll('#orgs-0 option').length > 0,
			null, { timeout: STEP_MS });
		const values = await page.locator('#orgs-0 option').evaluateAll((os) => os.map((o) => o.value));
		assert(values.every((v) => !/^org-/.test(v)), `the suggestions are ids: ${values.join(', ')}`);
		name = values.find((v) => /Newark Behavioral Health/.test(v)) ?? values[0];
		// Choosing a suggestion puts its name in the field.
		await field.fill(name);
		await field.dispatchEvent('change');
		assert(await field.inputValue() === name, 'the field does not hold the name chosen');
		await env.visit(page, 'search_typeahead');
	});
	if (!name)
		return;
	await check('flow_org_screened_by_name', async () => {
		await page.getByLabel('State or province where you will be during sessions').selectOption({ label: 'New Jersey' });
		await page.getByLabel('Your role there').first().selectOption({ label: 'I work there' });
		await Promise.all([page.waitForLoadState('load'),
			page.getByRole('button', { name: 'Search', exact: true }).click()]);
		const text = await page.locator('main').innerText();
		assert(text.includes(`Screened for dual relationships through “${name}”`) ||
			text.includes(`we set aside therapists who declared an organization with that name`),
			`the results do not say "${name}" was screened:\n${text.slice(0, 500)}`);
		assert(!/org-\d{6}/.test(text), 'an organization id is on screen');
		await env.visit(page, 'results_screened');
	});
}
