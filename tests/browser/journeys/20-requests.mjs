// 20-requests.mjs: a clinician asks a therapist for a consultation from
// their profile; an empty message shows the form again with what is wrong
// (the rest kept); the request lists the therapist by name. The therapist
// holding that listing sees it signed with the pseudonym, answers (an
// empty answer shows its error first), and the clinician's mail about
// the answer links to where it is read; their account's activity page
// says, by name, that the therapist read and answered it.
import { assert } from '../lib.mjs';

const PROFILE = '/therapists/t-0000010';   // held by bt_therapist
const NAME = 'Patricia Carter';

export default async function (env) {
	const { check, base } = env;
	const seeker = env.user('bt_seeker');
	const email = `${seeker}@example.org`;
	const message = `Hello, I am a counselor looking for a space of my own (${env.tag}). Tuesday evenings?`;
	const answer = `Tuesday at six works for a first consultation (${env.tag}).`;
	env.cli(['user', 'add', '--handle', seeker, '--email', email, '--role', 'seeker', '--password-stdin'],
		`${seeker}-password\n`);

	const page = await env.page('seeker');
	const sent = await check('request_form_errors_then_sent', async () => {
		await env.signIn(page, seeker);
		await env.goto(page, PROFILE, 'req-profile');
		await page.getByLabel('Add my email so they can write to me directly').check();
		await page.getByRole('button', { name: 'Send' }).click();
		await page.locator('.error-summary').waitFor();
		await env.visit(page, 'req-error');
		const summary = await page.locator('.error-summary').innerText();
		assert(/message/i.test(summary) && /empty/.test(summary), `the summary says "${summary}"`);
		assert(await page.getByLabel('Add my email so they can write to me directly').isChecked(),
			'the tick was not kept');
		await page.getByLabel('Add my email so they can write to me directly').uncheck();
		await page.getByLabel('A short message').fill(message);
		await Promise.all([page.waitForURL(/\/requests\?sent=1$/), page.getByRole('button', { name: 'Send' }).click()]);
		await env.visit(page, 'req-sent');
		const text = await page.locator('main').innerText();
		assert(text.includes(message) && /Not answered yet/.test(text), 'the request is not listed as sent');
		assert(text.includes(`To ${NAME}`), `the request does not name ${NAME}`);
	});
	if (!sent)
		return;
	const tp = await env.page('therapist');
	const card = () => tp.locator('article.card').filter({ hasText: message });
	const answered = await check('therapist_sees_and_answers', async () => {
		await env.signIn(tp, 'bt_therapist');
		await env.goto(tp, '/requests', 'req-therapist');
		const text = await card().innerText();
		assert(text.includes(`From ${seeker}`), `the request is not signed with the pseudonym: "${text}"`);
		assert(!text.includes(email), 'the seeker\'s email is shown');
		await card().getByRole('button', { name: 'Answer' }).click();
		await tp.locator('.error-summary').waitFor();
		await env.visit(tp, 'req-answer-error');
		await card().getByLabel(`Your answer to ${seeker}`).fill(answer);
		await Promise.all([tp.waitForURL(/\/requests\?answered=1$/),
			card().getByRole('button', { name: 'Answer' }).click()]);
		await env.visit(tp, 'req-answered-therapist');
	});
	answered && await check('seeker_mail_links_to_answer', async () => {
		const link = await env.mailFind(email, /https?:\/\/[^\s]*\/requests\b/g, 'link to the answer');
		const mail = env.mail(email).find((m) => /answered/.test(m.subject));
		assert(mail && mail.body.includes(`${NAME} answered your consultation request`),
			`the mail says "${mail?.body}"`);
		assert(!mail.body.includes(answer), 'the answer\'s words are in the mail');
		await page.goto(link);
		await env.visit(page, 'req-answer-read');
		assert((await page.locator('main').innerText()).includes(answer), 'the answer is not on the page');
	});
	// The audit trail, as the seeker reads it from their account page.
	answered && await check('seeker_sees_who_read_the_request', async () => {
		await env.goto(page, '/account', 'req-account');
		await Promise.all([page.waitForURL(/\/account\/activity$/),
			page.getByRole('link', { name: 'Who used your data' }).click()]);
		await env.visit(page, 'req-activity');
		const text = await page.locator('main').innerText();
		assert(text.includes(`${NAME} (the therapist you wrote to) read your consultation request`),
			`the activity page says "${text.slice(0, 400)}"`);
		assert(text.includes(`${NAME} (the therapist you wrote to) answered your consultation request`),
			'the answer is not on the activity page');
	});
}
