// 40-listing-edit.mjs: the therapist holding t-0000010 edits the listing
// and sees the change on the profile; a bad value is named, the rest kept.
import { assert } from '../lib.mjs';

export const modes = ['js-1280'];

export default async function (env) {
	const { base, check } = env;
	const sent = false;
	const signIn = (page, _base, who) => env.signIn(page, who);
		const ep = await env.page('therapist');
		await check('flow_therapist_edits_listing', async () => {
			if (!sent)
				await signIn(ep, base, 'bt_therapist');
			await ep.goto(`${base}/listing/edit`);
			await ep.getByLabel('Fee for one session').fill('77');
			await ep.getByLabel('I am accepting new clients').check();
			await ep.getByLabel('Wednesday').fill('18:00-20:00');
			await ep.getByLabel('Meeting clients at professional events').fill('A nod, and I leave it to you.');
			await Promise.all([ep.waitForURL(/\/listing\?saved=1$/), ep.getByRole('button', { name: 'Save' }).click()]);
			assert(/Saved/.test(await ep.locator('main').innerText()), 'no "Saved" note');
			await ep.goto(`${base}/therapists/t-0000010`);
			const text = await ep.locator('main').innerText();
			assert(/\b77\b/.test(text) && text.includes('A nod, and I leave it to you.'),
				'the profile does not show the new fee and policy');
		});
		await check('flow_edit_error_names_field', async () => {
			await ep.goto(`${base}/listing/edit`);
			await ep.getByLabel('Time zone').fill('Atlantis/Capital');
			await ep.getByRole('button', { name: 'Save' }).click();
			const alert = await ep.getByRole('alert').innerText();
			assert(/Nothing was saved/.test(alert) && /timezone/.test(alert), `the alert says "${alert}"`);
			assert(await ep.getByLabel('Fee for one session').inputValue() === '77', 'the form lost the other values');
		});
}
