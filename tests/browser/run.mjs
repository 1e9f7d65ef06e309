// run.mjs: chiron's pages in a real browser (Debian's Chromium, driven by
// playwright-core), as a clinician would use them.
//
//   node tests/browser/run.mjs path/to/chiron      (tests/browser.sh runs it)
//
// It imports the conformance directory into a fresh store in a temporary
// folder, starts `chiron serve` on a free loopback port with the
// conformance compacts, waits until it answers, launches Chromium and checks:
//
//   flow_*     a clinician's search with JavaScript switched off: the home
//              page's "Find a therapist", the form filled by its labels,
//              result cards with their reasons, the funnel table, and the
//              first result's profile with its facts;
//   axe_*      axe-core (WCAG 2.1 A and AA rules) on the home page, the
//              privacy page, the empty search form, a results page, a
//              profile and a 404: no "serious" or "critical" violation
//              (lesser ones are printed as "# " notes and do not fail);
//   phone_*    at 375x740 the results page does not scroll sideways;
//   screenshot the results page at 1280x900, kept in build/browser/results.png.
//
// Prints "ok NAME" or "not ok NAME" (with the evidence indented below, as
// "#" lines) per check, and exits 1 if any failed. The server, the browser
// and the temporary folder are always removed, also on a failure or when the
// whole run takes longer than its deadline.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const BIN = path.resolve(process.argv[2] ?? process.env.CHIRON_BIN ?? 'build/chiron');
const SHARED = process.env.CHIRON_CONFORMANCE ?? path.resolve(ROOT, '../shared/conformance');
const DIRECTORY = path.join(SHARED, 'directory.jsonl');
const COMPACTS = path.join(SHARED, 'compacts.json');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const AXE = path.join(HERE, 'node_modules/axe-core/axe.min.js');
const SHOTS = path.join(ROOT, 'build/browser');
// Only outer watchdogs, of minutes: a cold Chromium on a busy 2-core machine
// takes tens of seconds to start and to lay out its first pages, and a check
// must never fail because the machine is slow. STEP_MS bounds one action or
// navigation (Playwright's own default is 30 s), DEADLINE_MS the whole run.
const STEP_MS = 180_000;
const DEADLINE_MS = 15 * 60_000;

// The flags this machine's Chromium needs (see .library/env/machines/c.md):
// no sandbox as root, no GPU, and no background traffic to a closed network.
// Playwright adds a fresh --user-data-dir of its own, in TMPDIR (set to our
// temporary folder below), and removes it when the browser closes.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
	'--no-first-run', '--disable-background-networking', '--disable-component-update',
	'--disable-sync'];

// The search a clinician makes: the form's labels, and the same search as
// the bookmarkable address the results page offers.
const SEARCH = {
	state: 'New York',
	modality: 'Telehealth or in person',
	budget: '150',
	goals: ['Burnout', 'Countertransference'],
	career: 'Early career',
};
const SEARCH_QUERY = 'jurisdiction=US-NY&modality=either&budget=150&sliding_scale=1' +
	'&goals=burnout&goals=countertransference&career_stage=early_career';

let failures = 0;
let work = null;
let server = null;
let browser = null;

function ok(name) {
	console.log(`ok ${name}`);
}

function notOk(name, evidence) {
	failures++;
	console.log(`not ok ${name}`);
	for (const line of String(evidence ?? '').split('\n'))
		if (line.trim())
			console.log(`#   ${line}`);
}

// Runs one check: fn returns nothing when it passes and throws (with the
// evidence in the message) when it does not.
async function check(name, fn) {
	try {
		await fn();
		ok(name);
		return true;
	} catch (e) {
		notOk(name, e?.message ?? e);
		return false;
	}
}

function assert(cond, message) {
	if (!cond)
		throw new Error(message);
}

/* ----------------------------------------------------------------------
 * The server
 * ---------------------------------------------------------------------- */

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

// A browser context whose actions and navigations wait up to STEP_MS.
async function newContext(options) {
	const context = await browser.newContext(options);
	context.setDefaultTimeout(STEP_MS);
	context.setDefaultNavigationTimeout(STEP_MS);
	return context;
}

// The mail chiron delivered to --mail-dir, oldest first: each message's
// recipient and its body, quoted-printable decoded (tests/mailbox.py does
// the same for the shell suites).
function mailbox() {
	const dir = path.join(work, 'mail');
	let names = [];
	try {
		names = fs.readdirSync(dir).filter((f) => /^[0-9]+\.eml$/.test(f));
	} catch { /* nothing delivered yet */ }
	names.sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
	return names.map((f) => {
		const raw = fs.readFileSync(path.join(dir, f), 'latin1');
		const cut = raw.indexOf('\r\n\r\n');
		const head = raw.slice(0, cut).replace(/\r\n[ \t]+/g, ' ');
		const to = (head.match(/^To: *(.*)$/im) ?? [])[1] ?? '';
		const body = Buffer.from(raw.slice(cut + 4).replace(/=\r\n/g, '')
			.replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1')
			.toString('utf8');
		return { to: to.trim(), body };
	});
}

// The newest text matching re in the mail to email (any recipient when
// null), waiting for it: mail is delivered after the answer.
async function mailFind(email, re, what) {
	for (const until = Date.now() + STEP_MS; Date.now() < until;) {
		const found = mailbox().filter((m) => !email || m.to === email)
			.flatMap((m) => m.body.match(re) ?? []);
		if (found.length)
			return found[found.length - 1];
		await sleep(100);
	}
	throw new Error(`no ${what} was mailed${email ? ` to ${email}` : ''}`);
}

async function mailLink(email, linkPath) {
	return mailFind(email, new RegExp(`https?://[^ \\r\\n]*${linkPath}/[A-Za-z0-9_-]{43}`, 'g'),
		`${linkPath} link`);
}

// Signs up as a clinician would: the form, "check your email", the mailed
// link, and its one button; ends on the account page.
// With shots ("signup-1280"), the two pages of the way are kept as
// build/browser/SHOTS-check-email.png and SHOTS-confirm.png.
async function signUp(page, base, handle, email, password, shots) {
	const keep = async (what) => {
		if (!shots)
			return;
		fs.mkdirSync(SHOTS, { recursive: true });
		await page.screenshot({ path: path.join(SHOTS, `${shots}-${what}.png`), fullPage: true });
	};
	await page.goto(`${base}/signup`);
	await page.getByLabel('A pseudonym (what therapists see)').fill(handle);
	await page.getByLabel('Email (never shown to anyone)').fill(email);
	await page.getByLabel('Password (10 characters or more)').fill(password);
	await page.getByRole('button', { name: 'Create the account' }).click();
	await page.getByRole('heading', { name: 'Check your email' }).waitFor();
	await keep('check-email');
	await page.goto(await mailLink(email, '/signup/confirm'));
	await keep('confirm');
	await Promise.all([page.waitForURL(/\/account$/),
		page.getByRole('button', { name: 'Create my account' }).click()]);
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

// Starts `chiron serve` and resolves to its base address once GET / answers
// 200; a port taken in the meantime is retried with another one.
async function startServer(db) {
	let lastLog = '';

	for (let attempt = 0; attempt < 3; attempt++) {
		const port = await freePort();
		const log = path.join(work, `serve-${attempt}.log`);
		const out = fs.openSync(log, 'w');
		const child = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`,
			'--compacts', COMPACTS, '--mail-dir', path.join(work, 'mail')],
			{ stdio: ['ignore', out, out] });
		fs.closeSync(out);
		server = child;
		let exited = null;
		child.on('exit', (code, signal) => { exited = signal ?? code; });
		const base = `http://127.0.0.1:${port}`;
		for (const until = Date.now() + STEP_MS; Date.now() < until && exited === null;) {
			try {
				const r = await fetch(`${base}/`, { signal: AbortSignal.timeout(1000) });
				await r.arrayBuffer();
				if (r.status === 200)
					return base;
			} catch {
				// not listening yet
			}
			await sleep(50);
		}
		lastLog = fs.readFileSync(log, 'utf8');
		if (exited === null) {
			child.kill('SIGKILL');
			throw new Error(`chiron serve did not answer on ${base} within ${STEP_MS / 1000} s\n${lastLog}`);
		}
		server = null;
	}
	throw new Error(`chiron serve exited at start three times:\n${lastLog}`);
}

function stopServer() {
	if (server && server.exitCode === null && server.signalCode === null) {
		server.kill('SIGTERM');
		const s = server;
		setTimeout(() => { try { s.kill('SIGKILL'); } catch { /* gone */ } }, 2000).unref();
	}
	server = null;
}

/* ----------------------------------------------------------------------
 * The checks
 * ---------------------------------------------------------------------- */

// A clinician's search with JavaScript off: everything must work by links
// and a plain form post. Returns the first result's profile address.
async function clinicianFlow(base) {
	const context = await newContext({ javaScriptEnabled: false,
		viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
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
		await context.close();
	}
}

// axe-core's WCAG 2.1 A/AA rules on one page. The page's CSP forbids
// injected scripts, so the context bypasses it for axe only.
/*
 * Accounts in the browser: a clinician signs up and sends a consultation
 * request from a profile; the therapist holding that listing signs in and
 * sees it. Another therapist claims a listing; an admin sends a code to
 * the practice's address, the claimant enters it from the mail, and the
 * admin records the licence check and verifies.
 */
async function signIn(page, base, who) {
	await page.goto(`${base}/login`);
	await page.getByLabel('Pseudonym or email').fill(who);
	await page.getByLabel('Password').fill(`${who}-password`);
	await Promise.all([page.waitForURL(/\/account$/), page.getByRole('button', { name: 'Sign in' }).click()]);
}

async function accountsFlow(base) {
	const seeker = await newContext({ viewport: { width: 1280, height: 900 } });
	const therapist = await newContext({ viewport: { width: 1280, height: 900 } });
	const admin = await newContext({ viewport: { width: 1280, height: 900 } });
	const claimant = await newContext({ viewport: { width: 1280, height: 900 } });
	const message = 'Hello, I am a counselor looking for a space of my own. Tuesday evenings?';

	try {
		const page = await seeker.newPage();
		const signedUp = await check('flow_signup', async () => {
			await signUp(page, base, 'bt_seeker', 'bt_seeker@example.org', 'bt-seeker-password',
				'signup-1280');
			const text = await page.locator('main').innerText();
			assert(/Signed in as bt_seeker/.test(text), `the account page says "${text.slice(0, 80)}"`);
		});
		await check('flow_org_typeahead', async () => {
			await page.goto(`${base}/search`);
			await page.locator('input[name="aff_org1"]').pressSequentially('Psych', { delay: 20 });
			await page.waitForFunction(() => document.querySelectorAll('#orgs-0 option').length > 0,
				null, { timeout: STEP_MS });
			const first = await page.locator('#orgs-0 option').first().getAttribute('value');
			assert(/^org-/.test(first ?? ''), `the first suggestion is "${first}"`);
		});
		const sent = signedUp && await check('flow_send_request', async () => {
			await page.goto(`${base}/therapists/t-0000010`);
			await page.getByLabel(/A short message/).fill(message);
			await Promise.all([page.waitForURL(/\/requests$/), page.getByRole('button', { name: 'Send' }).click()]);
			const text = await page.locator('main').innerText();
			assert(text.includes(message) && /Not answered yet/.test(text), 'the request is not listed as sent');
		});
		if (sent) {
			const tp = await therapist.newPage();
			await check('flow_therapist_sees_request', async () => {
				await signIn(tp, base, 'bt_therapist');
				await tp.goto(`${base}/requests`);
				const text = await tp.locator('main').innerText();
				assert(text.includes(message) && /From bt_seeker/.test(text),
					'the therapist does not see the request, signed with the pseudonym');
				assert(!text.includes('bt_seeker@example.org'), 'the seeker\'s email is shown');
			});
		}
		const ep = await therapist.newPage();
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
		const ap = await admin.newPage();
		const cp = await claimant.newPage();
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
		await seeker.close();
		await therapist.close();
		await admin.close();
		await claimant.close();
	}
}

/*
 * Booking in the browser: a clinician books a session with t-0000007 (New
 * York) two weeks before the next daylight-saving change there, makes it
 * a weekly series of four that crosses the change, sees every session at
 * the same local hour, and cancels one.
 */
function nyOffset(date) {
	const part = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'shortOffset' })
		.formatToParts(date).find((p) => p.type === 'timeZoneName');
	return part.value;
}

async function bookingFlow(base) {
	const ctx = await newContext({ viewport: { width: 1280, height: 900 } });
	try {
		const page = await ctx.newPage();
		const signedUp = await check('booking_signup', async () => {
			await signUp(page, base, 'bt_booker', 'bt_booker@example.org', 'bt-booker-password');
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
		await ctx.close();
	}
}

async function axeCheck(context, name, url, expectStatus) {
	await check(`axe_${name}`, async () => {
		const page = await context.newPage();
		try {
			const r = await page.goto(url);
			assert(r.status() === expectStatus, `GET ${url} answered ${r.status()}, not ${expectStatus}`);
			await page.addScriptTag({ path: AXE });
			const res = await page.evaluate(() => window.axe.run(document, {
				runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
				resultTypes: ['violations'],
			}));
			const bad = [];
			for (const v of res.violations) {
				const targets = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
				const line = `${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} element(s), e.g. ${targets}`;
				if (v.impact === 'serious' || v.impact === 'critical')
					bad.push(`${line}\n  ${v.nodes[0].html.slice(0, 200)}\n  ${(v.nodes[0].failureSummary ?? '').replace(/\n/g, ' ')}`);
				else
					console.log(`# axe ${name}: ${line}`);
			}
			assert(!bad.length, bad.join('\n'));
		} finally {
			await page.close();
		}
	});
}

// The results page on a phone: nothing wider than the screen. On failure,
// names the elements that reach past its right edge.
async function phoneCheck(base) {
	const context = await newContext({ viewport: { width: 375, height: 740 },
		deviceScaleFactor: 2, isMobile: true, hasTouch: true });
	try {
		await check('phone_results_no_sideways_scroll', async () => {
			const page = await context.newPage();
			const r = await page.goto(`${base}/search?${SEARCH_QUERY}`);
			assert(r.status() === 200, `the results page answered ${r.status()}`);
			assert(await page.locator('article.card').count() >= 1, 'the results page shows no cards');
			const m = await page.evaluate(() => {
				const w = window.innerWidth;
				const wide = [];
				for (const el of document.body.querySelectorAll('*')) {
					const b = el.getBoundingClientRect();
					if (b.right > w + 0.5 && b.width > 0) {
						const id = el.id ? `#${el.id}` : '';
						const cls = el.className && typeof el.className === 'string' ? `.${el.className.trim().replace(/\s+/g, '.')}` : '';
						wide.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(b.right)}`);
					}
				}
				return { scroll: document.documentElement.scrollWidth, inner: w, wide: wide.slice(0, 8) };
			});
			assert(m.scroll <= m.inner,
				`scrollWidth ${m.scroll} > innerWidth ${m.inner}; past the right edge: ${m.wide.join(', ')}`);
		});
		await check('phone_signup', async () => {
			const page = await context.newPage();
			await signUp(page, base, 'bt_phone', 'bt_phone@example.org', 'bt-phone-password',
				'signup-375');
		});
	} finally {
		await context.close();
	}
}

async function screenshot(base) {
	const context = await newContext({ viewport: { width: 1280, height: 900 } });
	try {
		await check('screenshot_results', async () => {
			const page = await context.newPage();
			const r = await page.goto(`${base}/search?${SEARCH_QUERY}`);
			assert(r.status() === 200, `the results page answered ${r.status()}`);
			fs.mkdirSync(SHOTS, { recursive: true });
			const file = path.join(SHOTS, 'results.png');
			await page.screenshot({ path: file });
			const head = fs.readFileSync(file).subarray(0, 8);
			assert(head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
				`${file} is not a PNG`);
			console.log(`#   saved ${path.relative(process.cwd(), file) || file}`);
		});
	} finally {
		await context.close();
	}
}

/* ----------------------------------------------------------------------
 * Main
 * ---------------------------------------------------------------------- */

async function cleanup() {
	stopServer();
	if (browser) {
		const b = browser;
		browser = null;
		await Promise.race([b.close().catch(() => {}), sleep(5000)]);
	}
	if (work) {
		fs.rmSync(work, { recursive: true, force: true });
		work = null;
	}
}

async function main() {
	for (const [what, file] of [['chiron', BIN], ['the conformance directory', DIRECTORY],
		['the conformance compacts', COMPACTS], ['Chromium', CHROMIUM], ['axe-core', AXE]])
		if (!fs.existsSync(file)) {
			notOk('setup', `${what} is not at ${file}`);
			return;
		}

	work = fs.mkdtempSync(path.join(os.tmpdir(), 'chiron-browser-'));
	const db = path.join(work, 'chiron.db');
	const imp = spawnSync(BIN, ['import', '--db', db, DIRECTORY], { encoding: 'utf8', timeout: STEP_MS });
	if (imp.status !== 0) {
		notOk('setup', `chiron import --db ${db} ${DIRECTORY} exited ${imp.status}\n${imp.stderr}`);
		return;
	}

	// A therapist holding listing t-0000010, one holding none yet, and an
	// admin, made by the CLI.
	for (const [handle, role, extra] of [['bt_therapist', 'therapist', ['--therapist', 't-0000010']],
		['bt_claimant', 'therapist', []], ['bt_admin', 'admin', []]]) {
		const u = spawnSync(BIN, ['user', 'add', '--db', db, '--handle', handle, '--email',
			`${handle}@example.org`, '--role', role, ...extra, '--password-stdin'],
			{ encoding: 'utf8', input: `${handle}-password\n`, timeout: STEP_MS });
		if (u.status !== 0) {
			notOk('setup', `chiron user add ${handle} exited ${u.status}\n${u.stderr}`);
			return;
		}
	}

	let base;
	try {
		base = await startServer(db);
	} catch (e) {
		notOk('setup', e.message);
		return;
	}

	// Chromium and Playwright's profile folder go in our temporary folder.
	process.env.TMPDIR = work;
	try {
		browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
			args: CHROMIUM_ARGS, timeout: STEP_MS });
	} catch (e) {
		notOk('setup', `Chromium did not start: ${e.message}`);
		return;
	}
	console.log(`# chiron at ${base}; Chromium ${browser.version()}`);

	const profile = await clinicianFlow(base);
	await accountsFlow(base);
	await bookingFlow(base);

	const axeContext = await newContext({ bypassCSP: true,
		viewport: { width: 1280, height: 900 } });
	try {
		await axeCheck(axeContext, 'home', `${base}/`, 200);
		await axeCheck(axeContext, 'privacy', `${base}/privacy`, 200);
		await axeCheck(axeContext, 'search_form', `${base}/search`, 200);
		await axeCheck(axeContext, 'results', `${base}/search?${SEARCH_QUERY}`, 200);
		await axeCheck(axeContext, 'profile', `${base}${profile ?? '/therapists/t-0000001'}`, 200);
		await axeCheck(axeContext, 'not_found', `${base}/no-such-page`, 404);
		await axeCheck(axeContext, 'signup', `${base}/signup`, 200);
		await axeCheck(axeContext, 'login', `${base}/login`, 200);
	} finally {
		await axeContext.close();
	}
	// The signed-in pages, as a therapist and as an admin.
	for (const [who, pages] of [
		['bt_therapist', [['account', '/account'], ['listing', '/listing'], ['listing_edit', '/listing/edit'],
			['requests', '/requests'], ['org_new', '/orgs/new'], ['schedule', '/schedule'],
			['therapy', '/therapy'], ['book', '/therapists/t-0000007/book?kind=individual']]],
		['bt_admin', [['admin', '/admin'], ['listing_new', '/listing/new']]]]) {
		const ctx = await newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
		try {
			const page = await ctx.newPage();
			await signIn(page, base, who);
			await page.close();
			for (const [name, url] of pages)
				await axeCheck(ctx, name, `${base}${url}`, 200);
		} finally {
			await ctx.close();
		}
	}

	await phoneCheck(base);
	await screenshot(base);
}

// A reader that stops reading (`| head`) must not crash the run before it
// cleans up.
process.stdout.on('error', () => {});

const started = Date.now();
const deadline = setTimeout(async () => {
	notOk('deadline', `the run took longer than ${DEADLINE_MS / 1000} s`);
	await cleanup();
	process.exit(1);
}, DEADLINE_MS);
deadline.unref();

for (const sig of ['SIGINT', 'SIGTERM'])
	process.on(sig, async () => {
		await cleanup();
		process.exit(1);
	});
// Last resort, on a crash: never leave the server or the temporary folder.
process.on('exit', () => {
	if (server)
		try { server.kill('SIGKILL'); } catch { /* gone */ }
	if (work)
		fs.rmSync(work, { recursive: true, force: true });
});

try {
	await main();
} catch (e) {
	notOk('run', e?.stack ?? e);
} finally {
	await cleanup();
}
clearTimeout(deadline);
console.log(`# ${failures} failed, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failures ? 1 : 0);
