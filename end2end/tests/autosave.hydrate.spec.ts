import { expect, test } from '@playwright/test';
import { expectAccessible, startRound } from './helpers';

test('each answer is saved as it is given, and a save that cannot reach the server is retried until it does', async ({ page, browser }, info) => {
  await startRound(page, `Autosave ${info.project.name} ${Date.now()}`);
  await page.getByLabel('Whom the link is for').fill('Iva');
  await page.getByRole('button', { name: 'Create a personal link' }).click();
  const href = (await page.getByRole('link', { name: /^\/respond\// }).getAttribute('href'))!;

  const respondent = await browser.newContext({ viewport: page.viewportSize() });
  const phone = await respondent.newPage();
  await phone.goto(`${href}/2`);
  await expect(phone.locator('body')).toHaveAttribute('data-hydrated', 'true');
  const b1 = phone.getByRole('group', { name: /^B1 / });
  const saved = phone.getByRole('status').filter({ hasText: 'All answers on this page are saved.' });

  await b1.getByRole('group', { name: 'Today' }).getByLabel('3 · Fair').check();
  await expect(saved).toBeVisible();

  await respondent.setOffline(true);
  await b1.getByRole('group', { name: 'In 3–5 years (target)' }).getByLabel('4 · Strong').check();
  await expect(phone.getByText('Not saved yet: the server cannot be reached. Trying again…')).toBeVisible();
  await respondent.setOffline(false);
  await expect(saved).toBeVisible({ timeout: 20_000 });

  // A link that is not https:// is refused at its question, and the rest stays saved.
  await b1.getByLabel('Evidence: a web link').fill('ftp://example.org/report');
  await b1.getByLabel('Evidence: a web link').blur();
  await expect(b1.getByText('Please enter a web address that starts with https://')).toBeVisible();
  await expect(phone.getByText('Some answers were not saved: see the marked questions.')).toBeVisible();
  await expectAccessible(phone);

  // Corrected, the link saves and its problem goes away.
  await b1.getByLabel('Evidence: a web link').fill('https://example.org/report');
  await b1.getByLabel('Evidence: a web link').blur();
  await expect(b1.getByText('Please enter a web address that starts with https://')).toBeHidden();
  await expect(b1).not.toHaveAttribute('aria-invalid', 'true');
  await expect(saved).toBeVisible();

  // Nothing was posted by a button: what is stored came from the autosave alone.
  await phone.reload();
  const today = phone.getByRole('group', { name: /^B1 / }).getByRole('group', { name: 'Today' });
  await expect(today.getByLabel('3 · Fair')).toBeChecked();
  await expect(
    phone.getByRole('group', { name: /^B1 / }).getByRole('group', { name: 'In 3–5 years (target)' }).getByLabel('4 · Strong'),
  ).toBeChecked();
  await expect(phone.getByRole('group', { name: /^B1 / }).getByLabel('Evidence: a web link')).toHaveValue(
    'https://example.org/report',
  );
  await respondent.close();
});

test('a section reached from the overview by a click in the hydrated page shows its questions and saves answers', async ({ page, browser }, info) => {
  await startRound(page, `Section by click ${info.project.name} ${Date.now()}`);
  await page.getByLabel('Whom the link is for').fill('Ana');
  await page.getByRole('button', { name: 'Create a personal link' }).click();
  const href = (await page.getByRole('link', { name: /^\/respond\// }).getAttribute('href'))!;

  const respondent = await browser.newContext({ viewport: page.viewportSize() });
  const phone = await respondent.newPage();
  await phone.goto(href);
  await expect(phone.locator('body')).toHaveAttribute('data-hydrated', 'true');
  const sectionLinks = phone.locator(`a[href="${href}/2"]`);
  await expect(sectionLinks).toHaveCount(1);
  // The page's code must not be fetched again: the click is handled in the page.
  let documentLoads = 0;
  phone.on('request', (r) => {
    if (r.resourceType() === 'document') documentLoads += 1;
  });
  await sectionLinks.click();
  await expect(phone).toHaveURL(new RegExp(`${href}/2$`));

  const b1 = phone.getByRole('group', { name: /^B1 / });
  await expect(b1).toBeVisible();
  await b1.getByRole('group', { name: 'Today' }).getByLabel('2 · To be improved').check();
  await expect(phone.getByRole('status').filter({ hasText: 'All answers on this page are saved.' })).toBeVisible();
  expect(documentLoads).toBe(0);
  await expectAccessible(phone);

  await phone.reload();
  await expect(
    phone.getByRole('group', { name: /^B1 / }).getByRole('group', { name: 'Today' }).getByLabel('2 · To be improved'),
  ).toBeChecked();
  await respondent.close();
});
