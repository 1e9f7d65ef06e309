// 05-frame.mjs: the frame and the pages around it. The home page, the
// privacy page, a missing page and the icon; signing in from a booking page
// and signing up from a profile each come back to that page; a bad sign-in
// and a bad sign-up show the error summary with what was typed kept; an
// admin's navigation begins with Admin. Every mode (JavaScript off and on,
// 1280 and 375 px).
import { assert } from '../lib.mjs';

const BOOK = '/therapists/t-0000007/book?kind=individual';
const PROFILE = '/therapists/t-0000007';

// The header's links are at least 24 px each way (WCAG 2.2 target size) and
// none reaches past the right edge.
async function navFits(page) {
	const boxes = await page.locator('nav.site a').evaluateAll((as) => as.map((a) => {
		const b = a.getBoundingClientRect();
		return { text: a.textContent, w: b.width, h: b.height, right: b.right, inner: window.innerWidth };
	}));
	assert(boxes.length > 0, 'the header has no navigation');
	for (const b of boxes) {
		assert(b.w >= 24 && b.h >= 24, `"${b.text}" is ${Math.round(b.w)}x${Math.round(b.h)} px, under 24`);
		assert(b.right <= b.inner + 0.5, `"${b.text}" reaches past the right edge`);
	}
	return boxes.map((b) => b.text.trim());
}

export default async function (env) {
	const { base, check } = env;
	const anyone = await env.page('frame-anyone');

	await check('frame_home', async () => {
		await env.goto(anyone, '/', 'frame-home');
		const main = anyone.locator('main');
		assert(await main.locator('a.button:not(.secondary)').count() === 1, 'not one primary button');
		assert(await main.getByRole('link', { name: 'Find a therapist' }).count() === 1, 'no Find a therapist');
		assert(await main.getByRole('link', { name: 'List your practice' }).count() >= 1, 'no List your practice');
		const nav = await navFits(anyone);
		assert(nav.join('|') === 'Find a therapist|Sign in', `the navigation is ${nav.join('|')}`);
	});
	await check('frame_privacy', async () => {
		await env.goto(anyone, '/privacy', 'frame-privacy');
		const text = await anyone.locator('main').innerText();
		for (const s of ['Your searches: not kept', 'Your uploaded calendar', 'Appointments and series',
			'Who can see it', 'How long'])
			assert(text.includes(s), `the privacy page lacks "${s}"`);
		assert(await anyone.locator('main table').count() === 0, 'a table on the privacy page');
	});
	await check('frame_not_found', async () => {
		await env.goto(anyone, '/no-such-page', 'frame-not-found', 404);
		assert(await anyone.getByRole('heading', { name: 'Page not found' }).count() === 1, 'no heading');
		assert(await anyone.locator('main').getByRole('link', { name: 'Find a therapist' }).count() === 1,
			'no way on from the 404 page');
	});
	await check('frame_favicon', async () => {
		const r = await anyone.request.get(`${base}/favicon.ico`);
		assert(r.status() === 200, `GET /favicon.ico answered ${r.status()}`);
		assert(/^image\//.test(r.headers()['content-type'] ?? ''), `its type is ${r.headers()['content-type']}`);
		const svg = await anyone.request.get(`${base}/static/icon.svg`);
		assert(svg.status() === 200 && svg.headers()['content-type'] === 'image/svg+xml', 'no SVG icon');
	});

	// Signing in from a booking page: back on the booking page.
	const who = env.user('bt_frame');
	env.cli(['user', 'add', '--handle', who, '--email', `${who}@example.org`, '--role', 'seeker',
		'--password-stdin'], `${who}-password\n`);
	const seeker = await env.page('frame-seeker');
	await check('frame_sign_in_returns', async () => {
		await seeker.goto(`${base}${BOOK}`);
		assert(new URL(seeker.url()).pathname === '/login', `a signed-out visit went to ${seeker.url()}`);
		await env.visit(seeker, 'frame-login-next');
		await seeker.getByLabel('Pseudonym or email').fill(who);
		await seeker.getByLabel('Password').fill('not-the-password');
		await seeker.getByRole('button', { name: 'Sign in' }).click();
		await seeker.locator('.error-summary').waitFor();
		await env.visit(seeker, 'frame-login-error');
		assert(await seeker.getByLabel('Pseudonym or email').inputValue() === who, 'the pseudonym was not kept');
		assert(await seeker.getByLabel('Password').inputValue() === '', 'the password was kept');
		assert(/^Error: /.test(await seeker.title()), `the title is "${await seeker.title()}"`);
		await seeker.getByLabel('Password').fill(`${who}-password`);
		await Promise.all([seeker.waitForURL((u) => u.pathname + u.search === BOOK),
			seeker.getByRole('button', { name: 'Sign in' }).click()]);
		await env.visit(seeker, 'frame-back-on-booking');
		const nav = await navFits(seeker);
		assert(nav.join('|') === `Find a therapist|My therapy|${who}`, `the navigation is ${nav.join('|')}`);
	});

	// Signing up from a profile, through the header's Sign in and the mailed
	// link: back on the profile. A bad sign-up first keeps what was typed.
	const fresh = env.user('bt_frnew');
	const newcomer = await env.page('frame-newcomer');
	await check('frame_sign_up_returns', async () => {
		await env.goto(newcomer, PROFILE, 'frame-profile');
		await Promise.all([newcomer.waitForURL(/\/login\?next=/),
			newcomer.locator('nav.site a', { hasText: 'Sign in' }).click()]);
		await Promise.all([newcomer.waitForURL(/\/signup\?next=/),
			newcomer.getByRole('link', { name: 'Create an account' }).click()]);
		await env.visit(newcomer, 'frame-signup-next');
		await newcomer.getByLabel('A pseudonym (what therapists see)').fill('x');
		await newcomer.getByLabel('Email (never shown to anyone)').fill(`${fresh}@example.org`);
		await newcomer.getByLabel('Password (15 characters or more)').fill('short');
		await newcomer.getByRole('button', { name: 'Create the account' }).click();
		await newcomer.locator('.error-summary').waitFor();
		await env.visit(newcomer, 'frame-signup-error');
		const summary = await newcomer.locator('.error-summary').innerText();
		assert(/pseudonym/.test(summary) && /password/.test(summary), `the summary says "${summary}"`);
		assert(await newcomer.getByLabel('Email (never shown to anyone)').inputValue() === `${fresh}@example.org`,
			'the email was not kept');
		assert(await newcomer.getByLabel('A pseudonym (what therapists see)').inputValue() === 'x',
			'the pseudonym was not kept');
		await newcomer.getByLabel('A pseudonym (what therapists see)').fill(fresh);
		await newcomer.getByLabel('Password (15 characters or more)').fill(`${fresh}-password`);
		await newcomer.getByRole('button', { name: 'Create the account' }).click();
		await newcomer.getByRole('heading', { name: 'Check your email' }).waitFor();
		await env.visit(newcomer, 'frame-signup-check-email');
		const link = await env.mailFind(`${fresh}@example.org`,
			/https?:\/\/[^ \r\n]*\/signup\/confirm\/[A-Za-z0-9_-]{43}\?next=[^ \r\n]*/g, 'sign-up link');
		await newcomer.goto(link);
		await env.visit(newcomer, 'frame-signup-confirm');
		await Promise.all([newcomer.waitForURL((u) => u.pathname === PROFILE),
			newcomer.getByRole('button', { name: 'Create my account' }).click()]);
		await env.visit(newcomer, 'frame-back-on-profile');
	});

	const admin = await env.page('admin');
	await check('frame_admin_nav', async () => {
		await env.signIn(admin, 'bt_admin');
		await env.goto(admin, '/admin', 'frame-admin');
		const nav = await navFits(admin);
		assert(nav[0] === 'Admin', `the admin's navigation begins ${nav[0]}`);
		assert(await admin.locator('nav.site a[aria-current="page"]').innerText() === 'Admin',
			'the current page is not marked');
	});
}
