import { expect, test } from '@playwright/test';
import { expectAccessible, mailTo, signUp, startRound, uniqueEmail } from './helpers';

test('an invitation by account goes by e-mail with a link to the answers, and no reminder follows within the hour', async ({ page, browser }, info) => {
  const email = uniqueEmail(info, 'ivo');
  const respondent = await browser.newContext({
    javaScriptEnabled: info.project.use.javaScriptEnabled,
    viewport: page.viewportSize(),
  });
  const phone = await respondent.newPage();
  await signUp(phone, 'Ivo Ivić', email);
  await respondent.close();

  const name = `Invited ${info.project.name} ${Date.now()}`;
  await startRound(page, name);
  await expect(page.getByRole('heading', { level: 2, name: 'Reminders' })).toBeVisible();
  const js = info.project.use.javaScriptEnabled;
  // With JavaScript the forms answer in place, once the page has hydrated.
  if (js) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('E-mail of their account').fill(email);
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  if (js) await expect(page.getByRole('status').filter({ hasText: 'Invited. The invitation went by e-mail.' })).toBeVisible();
  const card = page.getByRole('listitem').filter({ hasText: email });
  await expect(card).toContainText('not started');
  await expect(card).toContainText(/Invitation e-mailed on \d{4}-\d{2}-\d{2}/);
  await expectAccessible(page);
  const [message] = mailTo(email);
  expect(message).toContain(`Subject: Invitation: ${name}`);
  expect(message).toContain('Hello Ivo Ivić,');
  expect(message).toContain(`sign in as ${email}`);
  expect(message).toMatch(/\/respond\/[0-9a-f-]{36}/);

  // A reminder within the hour of the invitation is held back, and nothing more is sent.
  await card.getByRole('button', { name: 'Remind by e-mail' }).click();
  await expect(page.getByRole('alert')).toContainText('got an invitation or a reminder less than an hour ago');
  await expect(card).not.toContainText('Reminders sent');
  expect(mailTo(email)).toHaveLength(1);
  await expectAccessible(page);
});

test('a personal link given an address goes by e-mail and opens the answers without an account', async ({ page, browser }, info) => {
  const email = uniqueEmail(info, 'marko');
  const name = `Linked ${info.project.name} ${Date.now()}`;
  await startRound(page, name);
  const js = info.project.use.javaScriptEnabled;
  if (js) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('Whom the link is for').fill('Marko Marić');
  await page.getByLabel('Their e-mail (optional)').fill(email);
  await page.getByRole('button', { name: 'Create a personal link' }).click();
  const card = page.getByRole('listitem').filter({ hasText: 'Marko Marić' });
  await expect(card).toContainText(/Invitation e-mailed on \d{4}-\d{2}-\d{2}/);
  await expectAccessible(page);
  const [message] = mailTo(email);
  expect(message).toContain(`Subject: Invitation: ${name}`);
  expect(message).toContain('Hello Marko Marić,');
  const link = message.match(/http:\/\/\S+\/respond\/[A-Z2-9]{4}(-[A-Z2-9]{4}){3}/)![0];
  expect(link).toContain(new URL(page.url()).host);

  const respondent = await browser.newContext({
    javaScriptEnabled: js,
    viewport: page.viewportSize(),
  });
  const phone = await respondent.newPage();
  await phone.goto(link);
  await expect(phone.getByRole('heading', { level: 1, name })).toBeVisible();
  await respondent.close();
});
