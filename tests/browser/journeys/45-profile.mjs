// 45-profile.mjs: the therapist holding t-0000010 writes a statement and
// uploads a photo (a PNG made here); a text file renamed .png is refused
// in the form with the statement kept; then someone looking for a
// therapist reads the profile: the photo, the statement, the open hours
// per day, where the practice is, what chiron checked.
import zlib from 'node:zlib';

import { assert } from '../lib.mjs';

// A PNG of w x h pixels (a soft gradient), with zlib and a CRC-32 table.
const CRC = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++)
		c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
function crc32(buf) {
	let c = 0xffffffff;
	for (const b of buf)
		c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
}
function png(w, h) {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr.set([8, 2, 0, 0, 0], 8);
	const rows = Buffer.alloc((w * 3 + 1) * h);
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++) {
			const o = y * (w * 3 + 1) + 1 + x * 3;
			rows[o] = 60 + Math.round((x / w) * 120);
			rows[o + 1] = 110 + Math.round((y / h) * 80);
			rows[o + 2] = 150;
		}
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr), chunk('tEXt', Buffer.from('Comment\0taken at home', 'latin1')),
		chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

const STATEMENT = 'I have worked with clinicians for twenty years, many of them in their first years of practice.\n\n' +
	'Sessions are unhurried; we start where you are.';

export default async function (env) {
	const { base, check } = env;
	const tp = await env.page('therapist');
	const signedIn = await check('profile_therapist_signs_in', async () => {
		await env.signIn(tp, 'bt_therapist');
	});
	if (!signedIn)
		return;
	await check('profile_form', async () => {
		await env.goto(tp, '/listing/profile', 'profile-edit');
		assert(await tp.getByLabel('About you, in your own words').count() === 1, 'no statement box');
	});
	await check('profile_bad_upload_summary', async () => {
		await tp.goto(`${base}/listing/profile`);
		await tp.getByLabel('About you, in your own words').fill(STATEMENT);
		await tp.locator('#photo').setInputFiles({ name: 'notes.png', mimeType: 'image/png',
			buffer: Buffer.from('These are my notes, not a picture.\n') });
		await tp.getByRole('button', { name: 'Save' }).click();
		const alert = await tp.getByRole('alert').innerText();
		assert(/There is a problem/.test(alert) && /not a PNG or JPEG picture/.test(alert),
			`the summary says "${alert}"`);
		assert(await tp.getByLabel('About you, in your own words').inputValue() === STATEMENT,
			'the statement was not kept');
		await env.visit(tp, 'profile-edit-error');
	});
	await check('profile_upload_photo', async () => {
		await tp.goto(`${base}/listing/profile`);
		await tp.getByLabel('About you, in your own words').fill(STATEMENT);
		await tp.locator('#photo').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png(480, 360) });
		await Promise.all([tp.waitForURL(/\/listing\/profile\?saved=1$/),
			tp.getByRole('button', { name: 'Save' }).click()]);
		assert(/Saved/.test(await tp.getByRole('status').innerText()), 'no "Saved" note');
		await env.visit(tp, 'profile-edit-saved');
	});
	// Someone looking for a therapist, not signed in.
	const sp = await env.page('seeker');
	await check('profile_seen', async () => {
		await env.goto(sp, '/therapists/t-0000010', 'profile');
		const head = await sp.locator('.profile-head').innerText();
		assert(/Patricia Carter/.test(head) && /Office in [A-Z][a-z]+.*, NC/.test(head), `the head says "${head}"`);
		const img = sp.locator('.profile-head img.avatar');
		assert(await img.count() === 1, 'no photo');
		const size = await img.evaluate((i) => [i.complete, i.naturalWidth, i.naturalHeight]);
		assert(size[0] && size[1] === 400 && size[2] === 400, `the photo is ${size}`);
		const main = await sp.locator('main').innerText();
		assert(main.includes('Sessions are unhurried; we start where you are.'), 'no statement');
		const days = await sp.locator('table.hours th').allInnerTexts();
		assert(days.length > 0 && days.every((d) => /^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day$/.test(d.trim())),
			`the hours' days are ${days.join(', ')}`);
		assert(/Times in the therapist's time zone, America\/New York/.test(main), 'the zone is not said');
		assert(!/license verified by chiron/i.test(main), 'claims a licence check chiron did not make');
	});
}
