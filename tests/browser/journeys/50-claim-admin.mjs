// 50-claim-admin.mjs: a fresh therapist finds their listing by name and
// claims it with an NPI whose check digit fails (told so first, values
// kept; then standing by it). The admin sees "NPI check failed" on the
// claim's card, sends the code to the practice, and once the claimant
// entered it, Verify without a reason shows the error and with a reason
// verifies. Then the admin hides a listing, finds it by name in the
// hidden list, and shows it again.
import { TOTP_SECRET, assert } from '../lib.mjs';

const PER_MODE = {
	'nojs-1280': { tid: 't-0000021', name: 'Ana Hill', npi: '1236672230', hide: ['t-0000031', 'Yusuf Ruiz'] },
	'nojs-375': { tid: 't-0000022', name: 'Betty Taylor', npi: '2394340650', hide: ['t-0000032', 'Ingrid Ruiz'] },
	'js-1280': { tid: 't-0000023', name: 'Omar Hall', npi: '2711462940', hide: ['t-0000033', 'Leah Flores'] },
	'js-375': { tid: 't-0000024', name: 'Laura Yilmaz', npi: '2624958220', hide: ['t-0000034', 'Melissa Flores'] },
};

export default async function (env) {
	const { check, base } = env;
	const m = PER_MODE[env.tag];
	const claimant = env.user('bt_claim');
	const office = `office-${claimant}@example.org`;
	env.cli(['user', 'add', '--handle', claimant, '--email', `${claimant}@example.org`, '--role', 'therapist',
		'--totp-secret', TOTP_SECRET, '--password-stdin'], `${claimant}-password\n`);
	const cp = await env.page('claimant');
	const ap = await env.page('admin');
	const card = () => ap.locator('article.card').filter({ has: ap.locator(`h3 a[href="/therapists/${m.tid}"]`) });

	const claimed = await check('claim_by_name_npi_check', async () => {
		await env.signIn(cp, claimant);
		await env.goto(cp, '/listing', 'claim-find');
		await cp.getByLabel('Your name as the directory lists it').fill(m.name);
		await cp.getByRole('button', { name: 'Find' }).click();
		await cp.locator(`input[type=radio][value="${m.tid}"]`).waitFor();
		await env.visit(cp, 'claim-choose');
		await cp.locator(`input[type=radio][value="${m.tid}"]`).check();
		await cp.getByLabel('NPI', { exact: true }).fill(m.npi);
		await cp.getByRole('button', { name: 'Claim' }).click();
		await cp.locator('.error-summary').waitFor();
		await env.visit(cp, 'claim-npi-error');
		assert(/check digit/.test(await cp.locator('.error-summary').innerText()), 'the summary does not name the check digit');
		assert(await cp.getByLabel('NPI', { exact: true }).inputValue() === m.npi, 'the NPI was not kept');
		assert(await cp.locator(`input[type=radio][value="${m.tid}"]`).isChecked(), 'the listing chosen was not kept');
		await cp.getByLabel('This NPI is right as typed').check();
		await Promise.all([cp.waitForURL(/\/listing$/), cp.getByRole('button', { name: 'Claim' }).click()]);
		await env.visit(cp, 'claim-waits');
		assert(/waits for verification/.test(await cp.locator('main').innerText()), 'the claim does not wait');
	});
	const coded = claimed && await check('admin_sees_npi_failed_sends_code', async () => {
		await env.signIn(ap, 'bt_admin');
		await env.goto(ap, '/admin', 'admin-queue');
		assert(/NPI check failed/.test(await card().innerText()), 'the card does not say "NPI check failed"');
		await card().getByLabel('The practice\'s email address, as you found it').fill(office);
		await card().getByLabel('Where you found it').fill('State board licence lookup');
		await Promise.all([ap.waitForURL(/\/admin$/), card().getByRole('button', { name: 'Send a code' }).click()]);
		const code = await env.mailFind(office, /[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/g, 'claim code');
		await cp.goto(`${base}/listing`);
		await cp.getByLabel('Code from the message').fill(code);
		await Promise.all([cp.waitForURL(/\/listing$/), cp.getByRole('button', { name: 'Send the code' }).click()]);
		assert(/Code accepted/.test(await cp.locator('main').innerText()), 'the code was not accepted');
	});
	coded && await check('admin_verify_needs_reason', async () => {
		await ap.goto(`${base}/admin`);
		await card().getByLabel('Licensing board checked').fill('State Board of Examiners');
		await card().getByLabel('Licence number the board shows').fill(`PSY-${m.tid.slice(-2)}`);
		await card().getByLabel(/The board's record shows this licence current/).check();
		await card().getByRole('button', { name: 'Verify' }).click();
		await ap.locator('.error-summary').waitFor();
		await env.visit(ap, 'admin-verify-error');
		assert(/NPI check failed/.test(await ap.locator('.error-summary').innerText()), 'the summary does not ask for a reason');
		assert(await card().getByLabel('Licensing board checked').inputValue() === 'State Board of Examiners',
			'the board was not kept');
		const reason = 'NPPES lists this name with the NPI ending otherwise: a typing slip';
		await card().getByLabel('Why verify though the NPI check failed').fill(reason);
		await Promise.all([ap.waitForURL(/\/admin$/), card().getByRole('button', { name: 'Verify' }).click()]);
		await env.visit(ap, 'admin-verified');
		const verified = ap.locator('article.card').filter({ has: ap.locator(`a[href="/therapists/${m.tid}"]`) });
		const text = await verified.innerText();
		assert(text.includes(reason) && /NPI check failed/.test(text) && text.includes(`PSY-${m.tid.slice(-2)}`),
			`the verified card says "${text}"`);
		const mail = env.mail(`${claimant}@example.org`).find((x) => /verified/.test(x.subject));
		assert(mail && mail.body.includes('/listing'), 'the claimant was not told by mail');
	});
	await check('admin_hides_by_name', async () => {
		const [hid, hname] = m.hide;
		await ap.goto(`${base}/admin`);
		await ap.getByLabel('Listing to hide').fill(`${base}/therapists/${hid}`);
		await Promise.all([ap.waitForURL(/\/admin$/), ap.getByRole('button', { name: 'Hide', exact: true }).click()]);
		const hidden = ap.locator('article.card').filter({ has: ap.locator(`a[href="/therapists/${hid}"]`) });
		assert((await hidden.innerText()).includes(hname), `the hidden listing is not shown by the name ${hname}`);
		await env.visit(ap, 'admin-hidden');
		await Promise.all([ap.waitForURL(/\/admin$/), hidden.getByRole('button', { name: 'Show again' }).click()]);
		assert(await hidden.count() === 0, 'the listing is still hidden');
	});
}
