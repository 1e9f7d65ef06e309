// run.mjs: chiron's pages in a real browser (Debian's Chromium, driven by
// playwright-core), as the people who use them would.
//
//   node tests/browser/run.mjs path/to/chiron [JOURNEY...]   (tests/browser.sh runs it)
//
// It imports the conformance directory into a fresh store in a temporary
// folder, makes the accounts the journeys start from, starts `chiron
// serve` on a free loopback port with the conformance compacts and a mail
// folder, launches Chromium, and then, for each mode of lib.mjs (JavaScript
// off and on, at 1280 and 375 px), runs every journey of journeys/ in name
// order (or only those named: "30-booking"). What a journey checks, and
// what env gives it, is in lib.mjs; every page a journey visits is kept as
// build/browser/<mode>/<name>.png.
//
// Prints "ok NAME@MODE" or "not ok NAME@MODE" (with the evidence indented
// below, as "#" lines) per check, and exits 1 if any failed. The server,
// the browser and the temporary folder are always removed, also on a
// failure or when the whole run takes longer than its deadline.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { AXE, HERE, MODES, ROOT, SHOTS, STEP_MS, TOTP_SECRET, failed, makeEnv, notOk, sleep } from './lib.mjs';

const BIN = path.resolve(process.argv[2] ?? process.env.CHIRON_BIN ?? 'build/chiron');
const ONLY = process.argv.slice(3);
const SHARED = process.env.CHIRON_CONFORMANCE ?? path.resolve(ROOT, '../shared/conformance');
const DIRECTORY = path.join(SHARED, 'directory.jsonl');
const COMPACTS = path.join(SHARED, 'compacts.json');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// The whole run's outer watchdog (lib.mjs STEP_MS bounds one step).
const DEADLINE_MS = 20 * 60_000;

// The flags this machine's Chromium needs (see .library/env/machines/c.md):
// no sandbox as root, no GPU, and no background traffic to a closed network.
// Playwright adds a fresh --user-data-dir of its own, in TMPDIR (set to our
// temporary folder below), and removes it when the browser closes.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
	'--no-first-run', '--disable-background-networking', '--disable-component-update',
	'--disable-sync'];

let work = null;
let server = null;
let browser = null;

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
			`${handle}@example.org`, '--role', role, ...extra, '--totp-secret', TOTP_SECRET,
			'--password-stdin'],
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

	const files = fs.readdirSync(path.join(HERE, 'journeys')).filter((f) => f.endsWith('.mjs')).sort()
		.filter((f) => !ONLY.length || ONLY.includes(f.replace(/\.mjs$/, '')));
	const journeys = [];
	for (const f of files)
		journeys.push({ name: f.replace(/\.mjs$/, ''), mod: await import(path.join(HERE, 'journeys', f)) });
	fs.rmSync(SHOTS, { recursive: true, force: true });
	for (const mode of MODES) {
		const env = makeEnv({ browser, base, work, db, bin: BIN, mode, state: {} });
		try {
			for (const j of journeys) {
				if (j.mod.modes && !j.mod.modes.includes(mode.tag))
					continue;
				const t0 = Date.now();
				try {
					await j.mod.default(env);
				} catch (e) {
					notOk(`${j.name}@${mode.tag}`, e?.stack ?? e);
				}
				console.log(`# ${j.name}@${mode.tag}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
			}
		} finally {
			await env.close();
		}
	}

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
console.log(`# ${failed()} failed, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed() ? 1 : 0);
