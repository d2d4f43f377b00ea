import { expect, test } from '@playwright/test';
import { expectAccessible, startRound } from './helpers';

test('a facilitator invites by personal link and the respondent answers a section without an account', async ({ page, browser }, info) => {
  const name = `Baseline ${info.project.name} ${Date.now()}`;
  await startRound(page, name);
  await page.getByLabel('Whom the link is for').fill('Ana, development agency');
  await page.getByRole('button', { name: 'Create a personal link' }).click();
  const link = page.getByRole('link', { name: /^\/respond\// });
  await expect(link).toBeVisible();
  await expectAccessible(page);
  const href = (await link.getAttribute('href'))!;

  // The respondent has no account: a fresh browser context, the same JavaScript setting.
  const respondent = await browser.newContext({
    javaScriptEnabled: info.project.use.javaScriptEnabled,
    viewport: page.viewportSize(),
  });
  const phone = await respondent.newPage();
  await phone.goto(href);
  await expect(phone.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(phone.getByText(/^0 of \d+ questions answered$/)).toBeVisible();
  await expectAccessible(phone);
  await phone.goto((await phone.getByRole('link', { name: 'Strategic framework' }).getAttribute('href'))!);
  const b1 = phone.getByRole('group', { name: /^B1 / });
  await b1.getByRole('group', { name: 'Today' }).getByLabel('2 · To be improved').check();
  await b1.getByRole('group', { name: 'In 3–5 years (target)' }).getByLabel('4 · Strong').check();
  await b1.getByLabel('Why this score?').fill('Analiza iz 2019. je djelomična.');
  await expectAccessible(phone);
  await phone.getByRole('button', { name: 'Save and continue' }).click();
  await expect(phone.getByRole('heading', { level: 1, name: 'Governance and multi-level coordination' })).toBeVisible();
  await phone.goto(href);
  await expect(phone.getByText(/^1 of \d+ questions answered$/)).toBeVisible();
  await phone.getByRole('button', { name: 'Submit my answers' }).click();
  await expect(phone.getByText('Please answer these questions before you submit:')).toBeVisible();
  await respondent.close();

  await page.reload();
  await expect(page.getByText(/· started ·/)).toBeVisible();
});

test('a mistake in a section is named at its question and the other answers are kept', async ({ page, browser }, info) => {
  await startRound(page, `Mistakes ${info.project.name} ${Date.now()}`);
  await page.getByLabel('Whom the link is for').fill('Marko');
  await page.getByRole('button', { name: 'Create a personal link' }).click();
  const href = (await page.getByRole('link', { name: /^\/respond\// }).getAttribute('href'))!;
  const respondent = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const phone = await respondent.newPage();
  await phone.goto(`${href}/2`);
  if (info.project.use.javaScriptEnabled) {
    // A choice clicked while the page hydrates can be undone by the hydration.
    await expect(phone.locator('body')).toHaveAttribute('data-hydrated', 'true');
  }
  const b1 = phone.getByRole('group', { name: /^B1 / });
  await b1.getByRole('group', { name: 'Today' }).getByLabel('3 · Fair').check();
  await b1.getByLabel('Evidence: a web link').fill('ftp://example.org/report');
  if (info.project.use.javaScriptEnabled) {
    // Leaving the field saves it, and its problem appears above the next question: wait for
    // it, or the page moves under the next click.
    await b1.getByLabel('Evidence: a web link').blur();
    await expect(b1.getByText('Please enter a web address that starts with https://')).toBeVisible();
  }
  const b2 = phone.getByRole('group', { name: /^B2 / });
  await b2.getByRole('group', { name: 'Today' }).getByLabel('1 · Poor').check();
  await phone.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(phone.getByText('Some answers need a correction')).toBeVisible();
  await expect(b1.getByText('Please enter a web address that starts with https://')).toBeVisible();
  // What was typed comes back with its problem, not lost with it.
  await expect(b1.getByLabel('Evidence: a web link')).toHaveValue('ftp://example.org/report');
  if (info.project.use.javaScriptEnabled) {
    // Corrected, the answer saves as it is given, and the line that pointed at it goes too.
    await expect(phone.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await b1.getByLabel('Evidence: a web link').fill('https://example.org/report');
    await b1.getByLabel('Evidence: a web link').blur();
    await expect(b1.getByText('Please enter a web address that starts with https://')).toBeHidden();
    await expect(phone.getByText('Some answers need a correction')).toBeHidden();
  }
  await phone.goto(`${href}/2`);
  await expect(
    phone.getByRole('group', { name: /^B2 / }).getByRole('group', { name: 'Today' }).getByLabel('1 · Poor'),
  ).toBeChecked();
  await respondent.close();
});

test('the round link lets anyone start and gives them a code to continue with', async ({ page, browser }, info) => {
  await startRound(page, `Open link ${info.project.name} ${Date.now()}`);
  await page.getByRole('button', { name: 'Switch the link on' }).click();
  const join = page.getByRole('link', { name: /^\/join\// });
  await expect(join).toBeVisible();
  const href = (await join.getAttribute('href'))!;
  const visitor = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const phone = await visitor.newPage();
  await phone.goto(href);
  await expectAccessible(phone);
  await phone.getByRole('button', { name: 'Start answering' }).click();
  await expect(phone.getByText('To continue on another device, keep this code:')).toBeVisible();
  const code = (await phone.locator('strong.code').textContent())!;
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);

  const other = await visitor.newPage();
  await other.goto(href);
  await other.getByLabel('Your code').fill(code.toLowerCase().replaceAll('-', ''));
  await other.getByRole('button', { name: 'Continue' }).click();
  await expect(other).toHaveURL(new RegExp(`/respond/${code}$`));

  // The phone is passed to the next person in the room: the link page asks who is there.
  await other.goto(href);
  await expect(other.getByText('This device has begun answering and has not submitted yet.')).toBeVisible();
  await expectAccessible(other);
  await other.getByRole('button', { name: 'I am someone else: start my own answers' }).click();
  await expect(other.getByText('To continue on another device, keep this code:')).toBeVisible();
  await expect(other.locator('strong.code')).not.toHaveText(code);
  await visitor.close();
});

test('the facilitator opens the results: a radar with its numbers in a table', async ({ page }, info) => {
  const name = `Results ${info.project.name} ${Date.now()}`;
  await startRound(page, name);
  await page.goto((await page.getByRole('link', { name: 'See the results' }).getAttribute('href'))!);
  await expect(page.getByRole('heading', { level: 1, name: `Results: ${name}` })).toBeVisible();
  await expect(page.getByRole('img', { name: /Radar chart/ })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Scores by dimension (0–5)' })).toBeVisible();
  await expect(page.getByText('No response has been submitted yet')).toBeVisible();
  await expect(page.getByRole('table', { name: /this region and the others/ })).toBeVisible();
  await expectAccessible(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Every answer, as CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^results-.*-answers\.csv$/);
});
