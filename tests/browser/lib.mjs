// lib.mjs: what every browser journey shares (run.mjs loads the journeys).
//
// A journey is a file in journeys/, run in name order, once per mode (the
// MODES below: JavaScript off and on, at 1280 and at 375 px wide). Each
// exports
//
//   export default async function (env) { ... }
//   export const modes = ['nojs-1280'];     // optional: only these modes
//
// and walks one person's way through the pages with env's helpers:
//
//   env.check(name, fn)     one named check ("ok name@mode" / "not ok ..."):
//                           fn throws with the evidence when it fails;
//                           returns whether it passed
//   env.assert(cond, msg)
//   env.page(person)        a page in that person's browser context for this
//                           mode (one context per person and mode: its
//                           cookies are that person's session)
//   env.visit(page, name)   the page as it is now, checked: kept as
//                           build/browser/<mode>/<name>.png, axe-core's WCAG
//                           2.2 A/AA rules find nothing serious or critical,
//                           nothing reaches past the right edge, and no
//                           record id or code (t-0000001, org-000065) is on
//                           screen; throws naming what is wrong
//   env.goto(page, path, name, status = 200)   goes there, then visit
//   env.signUp(page, handle, email, password) / env.signIn(page, handle)
//   env.user(base)          a handle unique to this mode ("bt_seeker_n1")
//   env.mailFind(email, re, what) / env.mailLink(email, path)
//   env.cli(args, input)    runs chiron with --db of this run appended
//   env.state               an object the journeys of one mode share
//                           (what an earlier journey made for a later one)
//
// Users made at set-up (all passwords are HANDLE-password): bt_therapist
// (holds t-0000010), bt_claimant (a therapist holding nothing yet),
// bt_admin.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The second factor of the therapists and admins the run makes (`chiron
// user add --totp-secret`, as tests/lib/totp.py): RFC 6238 codes from
// node's crypto. A code works once per account, so each sign-in gets the
// code of the current step, or of the next when that was given (the
// server takes the step before, at and after its own: two a half-minute).
export const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const totpLast = new Map();
function base32(s) {
	const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0, acc = 0;
	const out = [];
	for (const ch of s.replace(/[\s=-]/g, '').toUpperCase()) {
		acc = (acc << 5) | abc.indexOf(ch);
		bits += 5;
		if (bits >= 8) {
			out.push((acc >> (bits - 8)) & 255);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}
export function totpAt(secret, step) {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(step));
	const mac = crypto.createHmac('sha1', base32(secret)).update(msg).digest();
	const off = mac[mac.length - 1] & 15;
	return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}
export async function totpCode(who, secret = TOTP_SECRET) {
	for (;;) {
		const step = Math.floor(Date.now() / 30000);
		const first = Math.max(step, (totpLast.get(who) ?? -1) + 1);
		if (first <= step + 1) {
			totpLast.set(who, first);
			return totpAt(secret, first);
		}
		// A third sign-in of one account in a half-minute: its next step.
		await new Promise((r) => setTimeout(r, 1000));
	}
}

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../..');
export const AXE = path.join(HERE, 'node_modules/axe-core/axe.min.js');
export const SHOTS = path.join(ROOT, 'build/browser');
// Only outer watchdogs, of minutes: a cold Chromium on a busy 2-core machine
// takes tens of seconds to start and to lay out its first pages, and a check
// must never fail because the machine is slow. STEP_MS bounds one action or
// navigation (Playwright's own default is 30 s).
export const STEP_MS = 180_000;

export const MODES = [
	{ tag: 'nojs-1280', js: false, width: 1280, height: 900 },
	{ tag: 'nojs-375', js: false, width: 375, height: 740 },
	{ tag: 'js-1280', js: true, width: 1280, height: 900 },
	{ tag: 'js-375', js: true, width: 375, height: 740 },
];

let failures = 0;
export function failed() {
	return failures;
}

export function ok(name) {
	console.log(`ok ${name}`);
}

export function notOk(name, evidence) {
	failures++;
	console.log(`not ok ${name}`);
	for (const line of String(evidence ?? '').split('\n'))
		if (line.trim())
			console.log(`#   ${line}`);
}

// Runs one check: fn returns nothing when it passes and throws (with the
// evidence in the message) when it does not.
export async function check(name, fn) {
	try {
		await fn();
		ok(name);
		return true;
	} catch (e) {
		notOk(name, e?.stack && !(e instanceof AssertionError) ? e.stack : e?.message ?? e);
		return false;
	}
}

class AssertionError extends Error {}

export function assert(cond, message) {
	if (!cond)
		throw new AssertionError(message);
}

export function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

// The mail chiron delivered to --mail-dir, oldest first: each message's
// recipient, subject and body, quoted-printable decoded (tests/mailbox.py
// does the same for the shell suites).
export function mailbox(work) {
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
		const subject = (head.match(/^Subject: *(.*)$/im) ?? [])[1] ?? '';
		const body = Buffer.from(raw.slice(cut + 4).replace(/=\r\n/g, '')
			.replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1')
			.toString('utf8');
		return { to: to.trim(), subject: subject.trim(), body };
	});
}

// What axe-core and the eye check on every page a journey visits.
async function pageProblems(page) {
	await page.addScriptTag({ path: AXE });
	const res = await page.evaluate(() => window.axe.run(document, {
		runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
		resultTypes: ['violations'],
	}));
	const bad = [];
	const notes = [];
	for (const v of res.violations) {
		const targets = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
		const line = `${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} element(s), e.g. ${targets}`;
		if (v.impact === 'serious' || v.impact === 'critical')
			bad.push(`axe ${line}\n  ${v.nodes[0].html.slice(0, 200)}\n  ${(v.nodes[0].failureSummary ?? '').replace(/\n/g, ' ')}`);
		else
			notes.push(line);
	}
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
		const text = document.body.innerText;
		const ids = text.match(/\b(?:t-\d{7}|org-\d{6})\b/g) ?? [];
		return { scroll: document.documentElement.scrollWidth, inner: w, wide: wide.slice(0, 8), ids };
	});
	if (m.scroll > m.inner)
		bad.push(`the page scrolls sideways: scrollWidth ${m.scroll} > innerWidth ${m.inner}; ` +
			`past the right edge: ${m.wide.join(', ')}`);
	if (m.ids.length)
		bad.push(`ids on screen: ${[...new Set(m.ids)].join(', ')}`);
	return { bad, notes };
}

// The helpers of one mode (see the top of this file).
export function makeEnv({ browser, base, work, db, bin, mode, state }) {
	const contexts = new Map();
	const signedIn = new Map();         /* context -> the handle signed in there */
	const env = {
		base, mode, state, work, tag: mode.tag, STEP_MS,
		assert,
		check: (name, fn) => check(`${name}@${mode.tag}`, fn),
		async page(person) {
			let c = contexts.get(person);
			if (!c) {
				c = await browser.newContext({
					javaScriptEnabled: mode.js, bypassCSP: true,
					viewport: { width: mode.width, height: mode.height },
					...(mode.width < 500 ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
				});
				c.setDefaultTimeout(STEP_MS);
				c.setDefaultNavigationTimeout(STEP_MS);
				contexts.set(person, c);
			}
			return c.newPage();
		},
		async visit(page, name) {
			const dir = path.join(SHOTS, mode.tag);
			fs.mkdirSync(dir, { recursive: true });
			await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
			const { bad, notes } = await pageProblems(mode.js ? page : await env.axeCopy(page));
			for (const n of notes)
				console.log(`# axe ${name}@${mode.tag}: ${n}`);
			if (bad.length && env.todo?.has(name)) {
				for (const b of bad)
					console.log(`# todo ${name}@${mode.tag}: ${b.split('\n')[0]}`);
				return;
			}
			assert(!bad.length, `${page.url()}:\n${bad.join('\n')}`);
		},
		// With JavaScript off, axe-core cannot run in the page: it runs on a
		// copy of the page's DOM in a page of the same size that has it.
		async axeCopy(page) {
			if (!env.axePage) {
				const c = await browser.newContext({ bypassCSP: true,
					viewport: { width: mode.width, height: mode.height } });
				c.setDefaultTimeout(STEP_MS);
				contexts.set('(axe)', c);
				env.axePage = await c.newPage();
				await env.axePage.goto(`${base}/static/style.css`);
			}
			await env.axePage.setContent(await page.content(), { waitUntil: 'load' });
			return env.axePage;
		},
		async goto(page, where, name, status = 200) {
			const r = await page.goto(where.startsWith('http') ? where : `${base}${where}`);
			assert(r.status() === status, `GET ${where} answered ${r.status()}, not ${status}`);
			await env.visit(page, name);
			return r;
		},
		user(handle) {
			return `${handle}_${mode.tag.replace('-', '')}`;
		},
		async mailFind(email, re, what) {
			for (const until = Date.now() + STEP_MS; Date.now() < until;) {
				const found = mailbox(work).filter((m) => !email || m.to === email)
					.flatMap((m) => m.body.match(re) ?? []);
				if (found.length)
					return found[found.length - 1];
				await sleep(100);
			}
			throw new Error(`no ${what} was mailed${email ? ` to ${email}` : ''}`);
		},
		mail(email) {
			return mailbox(work).filter((m) => !email || m.to === email);
		},
		async mailLink(email, linkPath) {
			return env.mailFind(email, new RegExp(`https?://[^ \\r\\n]*${linkPath}/[A-Za-z0-9_-]{43}`, 'g'),
				`${linkPath} link`);
		},
		// Signs up as a clinician would: the form, "check your email", the
		// mailed link and its one button; ends on the account page. With
		// shots, the pages of the way are visited as SHOTS-....
		async signUp(page, handle, email, password, shots) {
			await page.goto(`${base}/signup`);
			if (shots)
				await env.visit(page, `${shots}-form`);
			await page.getByLabel('A pseudonym (what therapists see)').fill(handle);
			await page.getByLabel('Email (never shown to anyone)').fill(email);
			await page.getByLabel('Password (15 characters or more)').fill(password);
			await page.getByRole('button', { name: 'Create the account' }).click();
			await page.getByRole('heading', { name: 'Check your email' }).waitFor();
			if (shots)
				await env.visit(page, `${shots}-check-email`);
			await page.goto(await env.mailLink(email, '/signup/confirm'));
			if (shots)
				await env.visit(page, `${shots}-confirm`);
			await Promise.all([page.waitForURL(/\/account$/),
				page.getByRole('button', { name: 'Create my account' }).click()]);
		},
		// Signs in, unless this page's context already is signed in as who
		// (journeys of one mode share a person's context): chiron allows
		// an account ten sign-ins in fifteen minutes, and the run must not
		// spend them. Either way it ends on the account page.
		async signIn(page, who, password = `${who}-password`) {
			if (signedIn.get(page.context()) === who) {
				await page.goto(`${base}/account`);
				if (new URL(page.url()).pathname === '/account')
					return;
			}
			signedIn.delete(page.context());
			await page.goto(`${base}/login`);
			await page.getByLabel('Pseudonym or email').fill(who);
			await page.getByLabel('Password').fill(password);
			await Promise.all([page.waitForURL(/\/(account|login\/code)(\?.*)?$/),
				page.getByRole('button', { name: 'Sign in' }).click()]);
			// A second factor: the code page, then the account.
			if (new URL(page.url()).pathname === '/login/code') {
				await page.getByLabel('Code').fill(await totpCode(who));
				await Promise.all([page.waitForURL(/\/account$/),
					page.getByRole('button', { name: 'Sign in' }).click()]);
			}
			signedIn.set(page.context(), who);
		},
		cli(args, input) {
			const r = spawnSync(bin, [...args, '--db', db], { encoding: 'utf8', input, timeout: STEP_MS });
			assert(r.status === 0, `chiron ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
			return r.stdout;
		},
		async close() {
			for (const c of contexts.values())
				await c.close().catch(() => {});
			contexts.clear();
		},
	};
	return env;
}
