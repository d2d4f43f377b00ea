import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, fresh, scripted, signIn } from './helpers';

test('a facilitator runs a poll and a word cloud while phones answer and the projector follows', async ({ page, browser }, info) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto('/workshops');
  const title = `Debrief ${info.project.name} ${Date.now()}`;
  await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Create the workshop' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await page.getByLabel('Kind of activity').selectOption('poll');
  await page.getByLabel('Question or instruction').fill('Which action first?');
  await page.getByLabel('Options, statements or items').fill('Vouchers\nA policy board');
  await page.getByLabel('Poll: number of the correct option').fill('2');
  await page.getByRole('button', { name: 'Add to the agenda' }).click();
  await expect(page.getByRole('heading', { level: 3, name: 'Which action first?' })).toBeVisible();
  await page.getByLabel('Kind of activity').selectOption('word_cloud');
  await page.getByLabel('Question or instruction').fill('One word for the region');
  await page.getByRole('button', { name: 'Add to the agenda' }).click();
  await expect(page.getByRole('heading', { level: 3, name: 'One word for the region' })).toBeVisible();
  const code = (await page.locator('strong.code').textContent())!.trim();
  const workshopPath = new URL(page.url()).pathname;

  // A phone joins and waits; the projector shows the code.
  const room = await browser.newContext({ viewport: page.viewportSize() });
  const phone = await room.newPage();
  await phone.goto(`/live/${code}`);
  if (info.project.use.javaScriptEnabled !== false) {
    // Joined from the hydrated page, the room is read again in place.
    await expect(phone.locator('body')).toHaveAttribute('data-hydrated', 'true');
  }
  await phone.getByLabel('Your name in the room').fill('Ana');
  await phone.getByRole('button', { name: 'Join' }).click();
  await expect(phone.getByText('The facilitator has not started an activity yet.')).toBeVisible();
  const projector = await page.context().newPage();
  await projector.goto(`${workshopPath}/present`);
  await expect(projector.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(projector.locator('.join .code')).toHaveText(code);
  await expect(projector.getByText('People in the room: 1')).toBeVisible();
  // The QR code of the join address is drawn.
  const qr = projector.getByRole('img', { name: /QR code of the join address/ });
  await expect(qr).toBeVisible();
  expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await expectAccessible(projector);

  // The facilitator starts: the phone shows the poll, without its correct option.
  await page.getByRole('button', { name: 'Start with the first activity' }).click();
  await expect(page.getByText('Activity 1 of 2 · taking answers')).toBeVisible();
  await fresh(phone);
  await expect(phone.getByRole('heading', { level: 2, name: 'Which action first?' })).toBeVisible();
  await expect(phone.getByText('(correct)')).toHaveCount(0);
  await phone.getByLabel('A policy board').check();
  await phone.getByRole('button', { name: 'Send' }).click();
  await expect(phone.getByText('Your answer is counted.')).toBeVisible();
  await expectAccessible(phone);

  // The projector counts the vote; the facilitator closes and reveals; the phone sees it.
  await fresh(projector);
  await expect(projector.getByText('Answers: 1')).toBeVisible();
  await page.getByRole('button', { name: 'Close answers' }).click();
  await expect(page.getByText('Activity 1 of 2 · answers closed')).toBeVisible();
  await page.getByRole('button', { name: 'Reveal results' }).click();
  await fresh(phone);
  await expect(phone.getByRole('heading', { level: 3, name: 'Results' })).toBeVisible();
  await expect(phone.getByText('(correct)')).toBeVisible();
  await expect(phone.getByText('Answers are closed for this activity.')).toBeVisible();

  // Next: a word cloud, with three minutes for it on every screen; spellings of one word merge.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Activity 2 of 2 · taking answers')).toBeVisible();
  await page.getByLabel('Timer, in minutes').fill('3');
  await page.getByRole('button', { name: 'Start the timer' }).click();
  await expect(page.getByRole('button', { name: 'Stop the timer' })).toBeVisible();
  await fresh(phone);
  await expect(phone.getByRole('timer')).toContainText(/Time left: [23]:[0-5]\d/);
  await fresh(projector);
  await expect(projector.getByRole('timer')).toContainText(/Time left: [23]:[0-5]\d/);
  if (scripted()) {
    // The phone counts the timer down by itself.
    const shown = (await phone.getByRole('timer').textContent())!;
    await expect(phone.getByRole('timer')).not.toHaveText(shown);
  }
  // Too many words: refused at the field, with the words as typed.
  const tooMany = 'Trust\nSkills\nTalent\nEnergy\nRoads\nPorts';
  await phone.getByLabel('Your words').fill(tooMany);
  await phone.getByRole('button', { name: 'Send' }).click();
  await expect(phone.getByText(/Please give at most \d+\./)).toBeVisible();
  await expect(phone.getByLabel('Your words')).toHaveValue(tooMany);
  await phone.getByLabel('Your words').fill('Trust\ntrust\nSkills');
  await phone.getByRole('button', { name: 'Send' }).click();
  await expect(phone.getByText('Your answer is counted.')).toBeVisible();
  await fresh(projector);
  await expect(projector.locator('.cloud li')).toHaveCount(2);
  await expect(projector.locator('.cloud')).toContainText('Trust');
  await expect(projector.locator('.cloud')).toContainText('Skills');
  await expectAccessible(page);
  await room.close();
  await projector.close();

  // Afterwards: every activity's outcome, and the answers as a file.
  await page.getByRole('link', { name: 'Results and downloads' }).click();
  await expect(page.getByRole('heading', { level: 2, name: '1. Which action first?' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: '2. One word for the region' })).toBeVisible();
  await expect(page.getByText('The room has not seen these results.')).toHaveCount(1);
  await expectAccessible(page);
  const csv = await page.request.get((await page.getByRole('link', { name: 'Every answer, as CSV' }).getAttribute('href'))!);
  expect(csv.status()).toBe(200);
  const lines = (await csv.text()).trim().split('\r\n');
  expect(lines.slice(1)).toEqual([
    '1,Which action first?,poll,Ana,A policy board,,,,',
    '2,One word for the region,word_cloud,Ana,"Trust; Skills",,,,',
  ]);
});
