import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expectAccessible, signUp, startRound, uniqueEmail } from './helpers';

/** The messages the run's SMTP server took for `to` (see smtp-sink.mjs), their quoted-printable
 * text decoded. */
function mailTo(to: string): string[] {
  return readFileSync(process.env.E2E_MAIL_FILE!, 'utf8')
    .split('\n')
    .filter((line) => line)
    .map((line) => JSON.parse(line) as { to: string[]; data: string })
    .filter((m) => m.to.includes(to))
    .map((m) => {
      const bytes = m.data.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => `%${h}`);
      return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/g, '%25'));
    });
}

test('the facilitator reminds a respondent by e-mail and the message links to their answers', async ({ page, browser }, info) => {
  const email = uniqueEmail(info, 'ivo');
  const respondent = await browser.newContext({
    javaScriptEnabled: info.project.use.javaScriptEnabled,
    viewport: page.viewportSize(),
  });
  const phone = await respondent.newPage();
  await signUp(phone, 'Ivo Ivić', email);
  await respondent.close();

  const name = `Reminded ${info.project.name} ${Date.now()}`;
  await startRound(page, name);
  await expect(page.getByRole('heading', { level: 2, name: 'Reminders' })).toBeVisible();
  await page.getByLabel('E-mail of their account').fill(email);
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  const card = page.getByRole('listitem').filter({ hasText: email });
  await expect(card).toContainText('not started');
  await expectAccessible(page);
  const js = info.project.use.javaScriptEnabled;
  // With JavaScript the buttons answer in place, once the page has hydrated.
  if (js) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');

  await card.getByRole('button', { name: 'Remind by e-mail' }).click();
  await expect(card).toContainText(/Reminders sent: 1, the last on \d{4}-\d{2}-\d{2}/);
  const [message] = mailTo(email);
  expect(message).toContain(`Subject: Reminder: ${name}`);
  expect(message).toContain('Hello Ivo Ivić,');
  expect(message).toMatch(/\/respond\/[0-9a-f-]{36}/);

  // A second reminder within the hour is held back, and nothing more is sent.
  await page.getByRole('button', { name: 'Remind everyone who has not submitted' }).click();
  if (js) {
    await expect(page.getByRole('status').filter({ hasText: 'Reminders sent: 0.' })).toContainText(
      'Reminded within the last hour and left alone: 1.',
    );
  } else {
    await expect(card).toContainText('Reminders sent: 1,');
  }
  expect(mailTo(email)).toHaveLength(1);
  await expectAccessible(page);
});
