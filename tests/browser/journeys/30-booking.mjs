// 30-booking.mjs: a clinician books their own therapy with Matthew
// Campbell (t-0000038: New York, in person and by telehealth, a sliding
// scale), in every mode, a user per mode: chooses the kind and the way of
// meeting (kept on the next week), a time two weeks before New York's next
// daylight-saving change, checks the booking (fee, terms) and books it;
// the session's page offers the .ics. On My therapy it becomes a weekly
// series across the change, every session at the same local hour; one
// session moves (the page names it, the result says from and to); one is
// cancelled after a check; a wrong time zone gets the error summary with
// the value kept; the waitlist is joined; the calendar feed is made,
// shown once with a subscribe link, and turned off. Every page is visited
// (env.visit: screenshot, axe, width, no ids on screen).
import { assert } from '../lib.mjs';

const TID = 't-0000038';
const NAME = 'Matthew Campbell';

function nyOffset(date) {
	const part = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'shortOffset' })
		.formatToParts(date).find((p) => p.type === 'timeZoneName');
	return part.value;
}

// The main's text, for the assertions.
const mainText = (page) => page.locator('main').innerText();

export default async function (env) {
	const { base, check } = env;
	const page = await env.page('booker');
	const handle = env.user('bt_booker');
	const shot = (name) => env.visit(page, `booking-${name}`);

	const signedUp = await check('booking_signup', async () => {
		await env.signUp(page, handle, `${handle}@example.org`, `${handle}-password`);
	});
	if (!signedUp)
		return;

	// The week two weeks before the next change in New York (weeks of 7 days).
	const day = 86400_000;
	let t = Date.now() + 2 * day;
	while (nyOffset(new Date(t)) === nyOffset(new Date(t + day)))
		t += day;
	const change = t + day;
	const week = Math.max(Math.floor((change - 14 * day - Date.now()) / (7 * day)), 0);

	const chosen = async () => (await page.locator('.choice [aria-current="true"]').allInnerTexts())
		.map((s) => s.replace(/^✓\s*/, '').trim());

	const picked = await check('booking_choose_kind_and_way', async () => {
		await env.goto(page, `/therapists/${TID}`, 'booking-profile');
		await Promise.all([page.waitForURL(/\/book$/), page.getByRole('link', { name: 'Book a time' }).click()]);
		await shot('book');
		assert(/Consultation, \d+ minutes, free/.test(await mainText(page)), 'the consultation is not named from its settings');
		await Promise.all([page.waitForURL(/kind=individual/),
			page.getByRole('link', { name: /^Individual session, 50 minutes/ }).click()]);
		await Promise.all([page.waitForURL(/modality=telehealth/),
			page.getByRole('link', { name: /By telehealth/ }).click()]);
		await shot('book-chosen');
		const c = await chosen();
		assert(c.includes('Individual session, 50 minutes') && c.includes('By telehealth'), `chosen: ${c.join(' | ')}`);
		await Promise.all([page.waitForURL(/week=1/), page.getByRole('link', { name: 'Later week' }).click()]);
		await shot('book-later');
		const u = new URL(page.url());
		assert(u.searchParams.get('kind') === 'individual' && u.searchParams.get('modality') === 'telehealth',
			`"Later week" dropped a choice: ${page.url()}`);
		const c2 = await chosen();
		assert(c2.includes('Individual session, 50 minutes') && c2.includes('By telehealth'),
			`chosen on the next week: ${c2.join(' | ')}`);
	});
	if (!picked)
		return;

	const booked = await check('booking_check_then_book', async () => {
		await env.goto(page, `/therapists/${TID}/book?kind=individual&modality=telehealth&week=${week}`, 'booking-week');
		// A time of its own per mode (they share one directory), so each
		// mode's weekly series meets none of the others'.
		const slots = page.locator('.slot-grid a.button');
		const nth = Math.max(['nojs-1280', 'nojs-375', 'js-1280', 'js-375'].indexOf(env.tag), 0);
		assert(await slots.count() > nth, 'too few open times that week');
		await Promise.all([page.waitForURL(/start=\d+/), slots.nth(nth).click()]);
		await shot('check');
		const text = await mainText(page);
		assert(/Check your booking/.test(text), 'no check before booking');
		assert(/By telehealth/.test(text) && /115 USD a session; sliding scale from 75/.test(text),
			'the check does not say the way or the fee');
		assert(/Cancel or move free until 24 hours before/.test(text), 'the check does not say the terms');
		await Promise.all([page.waitForURL(/\/appointments\/\d+\?booked=1/),
			page.getByRole('button', { name: 'Book this session' }).click()]);
		await shot('booked');
		assert(/Your session is booked/.test(await mainText(page)), 'no confirmation page');
		const ics = page.getByRole('link', { name: 'Add to your calendar (.ics)' });
		assert(/\/appointments\/\d+\/ics$/.test(await ics.getAttribute('href')), 'no .ics link');
	});
	if (!booked)
		return;

	await check('booking_series_across_dst', async () => {
		await Promise.all([page.waitForURL(/\/therapy$/), page.getByRole('link', { name: 'Go to My therapy' }).click()]);
		await shot('therapy');
		assert((await mainText(page)).includes(`with ${NAME}`), 'My therapy does not name the therapist');
		await page.locator('details.disclosure summary').first().click();
		await page.getByLabel(/Number of sessions/).first().fill('6');
		await Promise.all([page.waitForURL(/series=1/), page.getByRole('button', { name: 'Make it a series' }).click()]);
		await shot('series');
		const cards = await page.locator('li.card strong').allInnerTexts();
		assert(cards.length === 6, `${cards.length} sessions listed`);
		const hours = new Set(cards.map((c) => c.match(/, (\d\d:\d\d) /)[1]));
		assert(hours.size === 1, `the local hours differ: ${cards.join(' | ')}`);
		const offsets = new Set(cards.map((c) => nyOffset(new Date(Date.parse(
			c.replace(/^\w+ /, '').replace(/,.*$/, '') + ' 12:00 UTC')))));
		assert(offsets.size === 2, `the series does not cross the change: ${cards.join(' | ')}`);
		assert(/Individual sessions every week on \w+days at \d\d:\d\d \(New York time\), 6 sessions/
			.test(await mainText(page)), 'the series is not said in English');
	});

	await check('booking_move', async () => {
		await Promise.all([page.waitForURL(/\/move$/), page.getByRole('link', { name: /^Move the session of/ }).first().click()]);
		await shot('move');
		assert(/Move your individual session of \w{3} \d+ \w{3}, \d\d:\d\d/.test(await page.locator('h1').innerText()),
			'the move page does not name the session');
		const slots = page.locator('.slot-grid a.button');
		assert(await slots.count() > 0, 'no open times to move to');
		await Promise.all([page.waitForURL(/start=\d+/), slots.first().click()]);
		await shot('move-check');
		const text = await mainText(page);
		assert(/From/.test(text) && /To/.test(text), 'the check does not say from and to');
		await Promise.all([page.waitForURL(/moved_from=/), page.getByRole('button', { name: 'Move the session' }).click()]);
		await shot('moved');
		assert(/Moved from .+ to .+/.test(await page.getByRole('status').innerText()), 'no "Moved from ... to ..."');
	});

	await check('booking_cancel', async () => {
		await page.goto(`${base}/therapy`);
		const links = page.getByRole('link', { name: /^Cancel the session of/ });
		const before = await links.count();
		assert(!(await page.locator('li.card button', { hasText: /^Cancel$/ }).count()), 'Cancel is a button on the card');
		await Promise.all([page.waitForURL(/\/cancel$/), links.last().click()]);
		await shot('cancel-check');
		assert(/Cancel this session\?/.test(await mainText(page)), 'no check before cancelling');
		const button = page.getByRole('button', { name: 'Cancel the session' });
		assert(/danger/.test(await button.getAttribute('class')), 'the cancel button is not marked as danger');
		await Promise.all([page.waitForURL(/cancelled=1/), button.click()]);
		await shot('cancelled');
		assert(/cancelled/.test(await page.getByRole('status').innerText()), 'no note');
		const after = await page.getByRole('link', { name: /^Cancel the session of/ }).count();
		assert(after === before - 1, `${before} cancel links before, ${after} after`);
		assert(/Cancelled by you/.test(await mainText(page)), 'not marked cancelled');
	});

	await check('booking_zone_error', async () => {
		await page.getByLabel('Show my times in').fill('Mars/Base');
		await page.getByRole('button', { name: 'Save my time zone' }).click();
		await page.waitForLoadState();
		await shot('zone-error');
		assert(/There is a problem/.test(await page.locator('.error-summary').innerText()), 'no error summary');
		assert(await page.getByLabel('Show my times in').inputValue() === 'Mars/Base', 'the value is not kept');
		await page.getByLabel('Show my times in').fill('America/Chicago');
		await Promise.all([page.waitForURL(/zone=1/), page.getByRole('button', { name: 'Save my time zone' }).click()]);
		assert(/time zone is saved/.test(await page.getByRole('status').innerText()), 'no note');
	});

	await check('booking_waitlist', async () => {
		await page.goto(`${base}/therapists/${TID}/book?kind=individual`);
		await Promise.all([page.waitForURL(/waiting=/),
			page.getByRole('button', { name: 'Join the waitlist for individual sessions' }).click()]);
		await shot('waitlist');
		assert((await page.getByRole('status').innerText()).includes(`${NAME}'s waitlist for individual sessions`),
			'the note does not say which waitlist');
		await Promise.all([page.waitForURL(/left=1/), page.getByRole('button', { name: 'Leave this waitlist' }).click()]);
		assert(/left the waitlist/.test(await page.getByRole('status').innerText()), 'no note on leaving');
	});

	await check('booking_feed', async () => {
		await page.getByRole('link', { name: /private calendar feed/ }).click();
		await page.waitForURL(/\/feed$/);
		await shot('feed');
		await page.getByRole('button', { name: 'Make a feed address' }).click();
		await page.waitForLoadState();
		await shot('feed-made');
		const href = await page.getByRole('link', { name: 'Subscribe in your calendar app' }).getAttribute('href');
		assert(/^webcal:\/\/.+\/feed\/[A-Za-z0-9_-]{43}\.ics$/.test(href), `subscribe link: ${href}`);
		await Promise.all([page.waitForURL(/off=1/), page.getByRole('button', { name: 'Turn the feed off' }).click()]);
		await shot('feed-off');
		assert(/turned off/.test(await page.getByRole('status').innerText()), 'no note');
	});
}
