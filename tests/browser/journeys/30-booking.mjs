// 30-booking.mjs: a clinician books a session with t-0000007 (New York)
// two weeks before the next daylight-saving change there, makes it a
// weekly series that crosses the change, sees every session at the same
// local hour, and cancels one.
import { assert } from '../lib.mjs';

export const modes = ['js-1280'];

function nyOffset(date) {
	const part = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'shortOffset' })
		.formatToParts(date).find((p) => p.type === 'timeZoneName');
	return part.value;
}

export default async function (env) {
	const { base, check } = env;
	try {
		const page = await env.page('booker');
		const signedUp = await check('booking_signup', async () => {
			await env.signUp(page, 'bt_booker', 'bt_booker@example.org', 'bt-booker-password');
		});
		if (!signedUp)
			return;
		// The next DST change in New York, and the week two weeks before it.
		const day = 86400_000;
		let t = Date.now() + 2 * day;
		while (nyOffset(new Date(t)) === nyOffset(new Date(t + day)))
			t += day;
		const change = t + day;
		const weeks = Math.floor((change - 14 * day - Date.now()) / (14 * day));
		const booked = await check('booking_book_a_slot', async () => {
			await page.goto(`${base}/therapists/t-0000007`);
			await Promise.all([page.waitForURL(/\/book$/), page.getByRole('link', { name: 'Book a time' }).click()]);
			await page.getByRole('link', { name: 'Individual session' }).click();
			await page.goto(`${base}/therapists/t-0000007/book?kind=individual&week=${Math.max(weeks, 0)}`);
			const buttons = page.locator('ul.slots button');
			assert(await buttons.count() > 0, 'no open slots on the page');
			await Promise.all([page.waitForURL(/\/therapy\?booked=/), buttons.first().click()]);
			assert(/Booked/.test(await page.getByRole('status').innerText()), 'no "Booked" note');
		});
		if (!booked)
			return;
		await check('booking_series_across_dst', async () => {
			await page.getByLabel('sessions').fill('6');
			await Promise.all([page.waitForURL(/series=1/), page.getByRole('button', { name: 'Make it a series' }).click()]);
			const cards = await page.locator('li.card strong').allInnerTexts();
			assert(cards.length === 6, `${cards.length} sessions listed`);
			const hours = new Set(cards.map((c) => c.match(/, (\d\d:\d\d) /)[1]));
			assert(hours.size === 1, `the local hours differ: ${cards.join(' | ')}`);
			const offsets = new Set(cards.map((c) => nyOffset(new Date(Date.parse(
				c.replace(/^\w+ /, '').replace(/ \(.*$/, '').replace(',', '') + ' UTC')))));
			assert(offsets.size === 2, `the series does not cross the change: ${cards.join(' | ')}`);
		});
		await check('booking_cancel', async () => {
			const before = await page.locator('button', { hasText: 'Cancel' }).count();
			await Promise.all([page.waitForURL(/cancelled=1/),
				page.locator('button', { hasText: 'Cancel' }).last().click()]);
			assert(/Cancelled/.test(await page.getByRole('status').innerText()), 'no "Cancelled" note');
			const after = await page.locator('button', { hasText: 'Cancel' }).count();
			assert(after === before - 1, `${before} cancel buttons before, ${after} after`);
			assert(/Cancelled by the seeker/.test(await page.locator('main').innerText()), 'not marked cancelled');
		});
	} finally {
		/* the contexts are closed by run.mjs */
	}
}

