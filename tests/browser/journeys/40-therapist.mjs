// 40-therapist.mjs: the therapist holding t-0000010 keeps their practice:
// edits the listing (fee, new clients, hours, a policy) and sees it on the
// profile; a bad value shows the error summary with everything typed
// kept; on My schedule sets a booking notice and a session type, closes
// dates and reopens them, and a bad closure is named. Every page reached
// is visited (screenshot, axe, no sideways scroll, no ids). The same
// account runs in every mode, so every value set is one it may set again.
import { assert } from '../lib.mjs';

// A date n days from today, as a date input takes it.
function isoDay(n) {
	return new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);
}

export default async function (env) {
	const { base, check, tag } = env;
	const page = await env.page('therapist');
	const main = () => page.locator('main').innerText();
	const signedIn = await check('therapist_sign_in', () => env.signIn(page, 'bt_therapist'));
	if (!signedIn)
		return;

	await check('therapist_edits_listing', async () => {
		await env.goto(page, '/listing/edit', 'therapist-listing-edit');
		await page.getByLabel('Fee for one session').fill('77');
		await page.getByLabel('I am accepting new clients').check();
		await page.getByLabel('Wednesday').fill('18:00-20:00');
		await page.getByLabel('Meeting clients at professional events').fill('A nod, and I leave it to you.');
		await Promise.all([page.waitForURL(/\/listing\?saved=1$/), page.getByRole('button', { name: 'Save' }).click()]);
		assert(/Saved/.test(await main()), 'no "Saved" note');
		await env.visit(page, 'therapist-listing-saved');
		await env.goto(page, '/therapists/t-0000010', 'therapist-profile');
		const text = await main();
		assert(/\b77\b/.test(text) && text.includes('A nod, and I leave it to you.'),
			'the profile does not show the new fee and policy');
	});

	await check('therapist_listing_errors_all_at_once', async () => {
		await page.goto(`${base}/listing/edit`);
		await page.getByLabel('Fee for one session').fill('a lot');
		await page.getByLabel('Thursday').fill('17:00-09:00');
		await page.getByLabel('Time zone', { exact: true }).fill('Atlantis/Capital');
		await page.getByRole('button', { name: 'Save' }).click();
		await page.waitForSelector('.error-summary');
		const summary = await page.locator('.error-summary').innerText();
		for (const want of ['Fee for one session: give a number from 0 to 1000',
			'Thursday: 17:00-09:00 ends before it starts', 'Time zone: give the zone'])
			assert(summary.includes(want), `the summary lacks "${want}": ${summary}`);
		assert(!/fee\.session|availability\[|timezone:|1e\+/.test(summary), `internal names: ${summary}`);
		assert(await page.getByLabel('Fee for one session').inputValue() === 'a lot', 'the fee typed was lost');
		assert(await page.getByLabel('Thursday').inputValue() === '17:00-09:00', 'the hours typed were lost');
		assert(await page.getByLabel('Wednesday').inputValue() === '18:00-20:00', 'the other values were lost');
		await env.visit(page, 'therapist-listing-errors');
	});

	await check('therapist_sets_schedule', async () => {
		await env.goto(page, '/schedule', 'therapist-schedule');
		await page.getByLabel('Booking notice (hours)').fill('2');
		await page.getByLabel('I offer consultations').check();
		await page.getByLabel('Length of a consultation (minutes)').fill('20');
		await page.getByLabel('I offer individual sessions').check();
		await page.getByLabel('Length of an individual session (minutes)').fill('50');
		await Promise.all([page.waitForURL(/\/schedule\?saved=1$/),
			page.getByRole('button', { name: 'Save these settings' }).click()]);
		const text = await main();
		assert(text.includes('Your settings are saved.'), 'no "saved" note');
		assert(text.includes('Consultation, 20 minutes'), 'the consultation is not named with its length');
		assert(await page.getByLabel('Booking notice (hours)').inputValue() === '2', 'the booking notice was not kept');
		await env.visit(page, 'therapist-schedule-saved');
	});

	await check('therapist_schedule_errors', async () => {
		await page.getByLabel('Length of an individual session (minutes)').fill('-10');
		await page.getByLabel('Seats in a group session').fill('0');
		await page.getByRole('button', { name: 'Save these settings' }).click();
		await page.waitForSelector('.error-summary');
		const summary = await page.locator('.error-summary').innerText();
		assert(summary.includes('Length of an individual session: give a number of minutes from 5 to 480'),
			`the summary says: ${summary}`);
		assert(summary.includes('Seats in a group session'), `the summary says: ${summary}`);
		assert(await page.getByLabel('Length of an individual session (minutes)').inputValue() === '-10',
			'the minutes typed were lost');
		await env.visit(page, 'therapist-schedule-errors');
	});

	const note = `Away (${tag})`;
	await check('therapist_closes_and_reopens', async () => {
		await page.goto(`${base}/schedule`);
		const day = isoDay(40 + ['nojs-1280', 'nojs-375', 'js-1280', 'js-375'].indexOf(tag));
		await page.getByLabel('First closed day').fill(day);
		await page.getByLabel('Note (only you see it)').fill(note);
		await Promise.all([page.waitForURL(/\/schedule\?closed=1$/),
			page.getByRole('button', { name: 'Close these dates' }).click()]);
		const row = page.locator('li', { hasText: note });
		assert(await row.count() === 1, 'the closure is not listed');
		await env.visit(page, 'therapist-closure-added');
		await Promise.all([page.waitForURL(/\/schedule\?reopened=1$/),
			row.getByRole('button', { name: /^Reopen/ }).click()]);
		assert(await page.locator('li', { hasText: note }).count() === 0, 'the closure is still listed');
	});

	await check('therapist_closure_errors', async () => {
		await page.goto(`${base}/schedule`);
		await page.getByLabel('First closed day').fill('1900-01-01');
		await page.getByLabel('Closed from (time, optional)').fill('15:00');
		await page.getByLabel('Closed until (time, optional)').fill('09:00');
		await page.getByRole('button', { name: 'Close these dates' }).click();
		await page.waitForSelector('.error-summary');
		const summary = await page.locator('.error-summary').innerText();
		for (const want of ['First closed day: give a date from today to two years ahead',
			'Closed until: give a time after the time closing starts'])
			assert(summary.includes(want), `the summary lacks "${want}": ${summary}`);
		assert(await page.getByLabel('First closed day').inputValue() === '1900-01-01', 'the date typed was lost');
		await env.visit(page, 'therapist-closure-errors');
	});
}
