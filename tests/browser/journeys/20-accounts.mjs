// 20-accounts.mjs: a clinician signs up and sends a consultation request
// from a profile; the therapist holding that listing signs in and sees
// it. Another therapist claims a listing; an admin sends a code to the
// practice's address, the claimant enters it from the mail, and the admin
// records the licence check and verifies.
import { assert } from '../lib.mjs';

export const modes = ['js-1280'];

export default async function (env) {
	const { base, check, mailFind, STEP_MS } = env;
	const signIn = (page, _base, who) => env.signIn(page, who);
	const message = 'Hello, I am a counselor looking for a space of my own. Tuesday evenings?';

	try {
		const page = await env.page('seeker');
		const signedUp = await check('flow_signup', async () => {
			await env.signUp(page, 'bt_seeker', 'bt_seeker@example.org', 'bt-seeker-password',
				'signup');
			const text = await page.locator('main').innerText();
			assert(/Signed in as bt_seeker/.test(text), `the account page says "${text.slice(0, 80)}"`);
		});
		const sent = signedUp && await check('flow_send_request', async () => {
			await page.goto(`${base}/therapists/t-0000010`);
			await page.getByLabel(/A short message/).fill(message);
			await Promise.all([page.waitForURL(/\/requests$/), page.getByRole('button', { name: 'Send' }).click()]);
			const text = await page.locator('main').innerText();
			assert(text.includes(message) && /Not answered yet/.test(text), 'the request is not listed as sent');
		});
		if (sent) {
			const tp = await env.page('therapist');
			await check('flow_therapist_sees_request', async () => {
				await signIn(tp, base, 'bt_therapist');
				await tp.goto(`${base}/requests`);
				const text = await tp.locator('main').innerText();
				assert(text.includes(message) && /From bt_seeker/.test(text),
					'the therapist does not see the request, signed with the pseudonym');
				assert(!text.includes('bt_seeker@example.org'), 'the seeker\'s email is shown');
			});
		}
		const ap = await env.page('admin');
		const cp = await env.page('claimant');
		const card = () => ap.locator('article.card').filter({ has: ap.locator('a[href="/therapists/t-0000011"]') });
		const claimed = await check('flow_claim_waits', async () => {
			await signIn(cp, base, 'bt_claimant');
			await cp.goto(`${base}/listing`);
			await cp.getByLabel('Listing id').fill('t-0000011');
			await cp.getByLabel('NPI').fill('1234567893');
			await Promise.all([cp.waitForURL(/\/listing$/), cp.getByRole('button', { name: 'Claim' }).click()]);
			const text = await cp.locator('main').innerText();
			assert(/waits for verification/.test(text) && !/Consultation requests/.test(text),
				`the claimant's page says "${text.slice(0, 120)}"`);
		});
		const sentCode = claimed && await check('flow_admin_sends_code', async () => {
			await signIn(ap, base, 'bt_admin');
			await ap.goto(`${base}/admin`);
			assert(await card().count() === 1, 'the claim of t-0000011 is not in the queue');
			await card().getByLabel('The practice\'s email address, as you found it').fill('office11@example.org');
			await card().getByLabel('Where you found it').fill('State board licence lookup');
			await Promise.all([ap.waitForURL(/\/admin$/), card().getByRole('button', { name: 'Send a code' }).click()]);
			assert(/Code sent to office11@example\.org/.test(await card().innerText()), 'the card does not say where the code went');
		});
		const entered = sentCode && await check('flow_claimant_enters_code', async () => {
			const code = await mailFind('office11@example.org', /[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/g,
				'claim code');
			await cp.goto(`${base}/listing`);
			await cp.getByLabel('Code from the message').fill(code);
			await Promise.all([cp.waitForURL(/\/listing$/), cp.getByRole('button', { name: 'Send the code' }).click()]);
			assert(/Code accepted/.test(await cp.locator('main').innerText()), 'the code was not accepted');
		});
		entered && await check('flow_admin_verifies', async () => {
			await ap.goto(`${base}/admin`);
			await card().getByLabel('Licensing board checked').fill('State Board of Examiners');
			await card().getByLabel('Licence number the board shows').fill('PSY-11');
			await card().getByLabel(/The board's record shows this licence current/).check();
			await Promise.all([ap.waitForURL(/\/admin$/), card().getByRole('button', { name: 'Verify' }).click()]);
			assert(await card().count() === 0, 'the claim is still waiting after Verify');
			const row = await ap.locator('tr', { has: ap.locator('a[href="/therapists/t-0000011"]') }).innerText();
			assert(/bt_admin/.test(row) && /PSY-11/.test(row), `the verified row says "${row}"`);
			await cp.goto(`${base}/listing`);
			assert(/Consultation requests/.test(await cp.locator('main').innerText()), 'the verified claimant has no listing');
		});
	} finally {
		/* the contexts are closed by run.mjs */
	}
}

