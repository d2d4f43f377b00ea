import { expect, test } from '@playwright/test';
import { expectAccessible, fresh, joinRoom, newWorkshop, scripted } from './helpers';

test('phones post notes on an ideas board that the facilitator clusters and merges, then dot them and see the dots once revealed', async ({ page }) => {
  await newWorkshop(page, 'Ideas');
  await page.getByLabel('Kind of activity').selectOption('ideas');
  await page.getByLabel('Question or instruction').fill('What holds the cluster back?');
  await page.getByLabel('Options, statements or items').fill('Barriers\nSolutions');
  await page.getByLabel('Dot voting: dots per person').fill('2');
  await page.getByRole('button', { name: 'Add to the agenda' }).click();
  await expect(page.getByText('Barriers · Solutions (dots per person for the vote: 2)')).toBeVisible();
  const code = (await page.locator('strong.code').textContent())!.trim();
  const phone = await joinRoom(page, code, 'Ana');
  await page.getByRole('button', { name: 'Start with the first activity' }).click();
  await expect(page.getByText('Activity 1 of 1 · taking answers')).toBeVisible();

  // Ana posts three notes into the board's two categories. With JavaScript, they reach Ivo's
  // phone while he is typing a note of his own, and what he typed stays.
  await fresh(phone);
  const ivo = scripted() ? await joinRoom(page, code, 'Ivo') : null;
  await ivo?.getByLabel('Your note').fill('Half-typed idea');
  for (const [text, category] of [
    ['No money for pilots', 'Barriers'],
    ['Funding for pilots is too low', 'Barriers'],
    ['A shared voucher scheme', 'Solutions'],
  ]) {
    await phone.getByLabel('Your note').fill(text);
    await phone.getByLabel('Where does it belong?').selectOption({ label: category });
    await phone.getByRole('button', { name: 'Post' }).click();
    await expect(phone.locator('.note', { hasText: text })).toContainText('your note');
  }
  if (ivo) {
    await expect(ivo.locator('.note')).toHaveCount(3);
    await expect(ivo.getByLabel('Your note')).toHaveValue('Half-typed idea');
    await ivo.context().close();
  }
  await expectAccessible(phone);

  // The facilitator names a cluster, puts a note in it and merges its duplicate.
  await fresh(page);
  await expect(page.locator('.stage .note')).toHaveCount(3);
  await page.getByLabel('New cluster').fill('Money');
  await page.getByRole('button', { name: 'Add cluster' }).click();
  await expect(page.getByLabel('Cluster name')).toHaveValue('Money');
  await page.getByLabel('What to do with the note: No money for pilots').selectOption({ label: 'Money' });
  await page.getByRole('button', { name: 'Apply: No money for pilots' }).click();
  await expect(page.locator('.stage .cluster')).toContainText('No money for pilots');
  await page.getByLabel('What to do with the note: Funding for pilots is too low').selectOption({ label: 'No money for pilots' });
  await page.getByRole('button', { name: 'Apply: Funding for pilots is too low' }).click();
  await expect(page.locator('.stage .note')).toHaveCount(2);
  await expect(page.locator('.stage .cluster')).toContainText('(+1 similar)');
  await expectAccessible(page);

  // The vote: two dots, the second on the same note, and none left for another.
  await page.getByRole('button', { name: 'Start dot voting' }).click();
  await expect(page.getByText('Dot voting: place your dots').first()).toBeVisible();
  await fresh(phone);
  await expect(phone.getByText('dots left: 2')).toBeVisible();
  await expect(phone.getByLabel('Your note')).toHaveCount(0);
  await phone.getByRole('button', { name: '+ Add a dot: No money for pilots' }).click();
  await expect(phone.getByText('dots left: 1')).toBeVisible();
  await phone.getByRole('button', { name: '+ Add a dot: No money for pilots' }).click();
  await expect(phone.getByText('dots left: 0')).toBeVisible();
  await expect(phone.getByRole('button', { name: '+ Add a dot: A shared voucher scheme' })).toBeDisabled();
  await expect(phone.locator('.note', { hasText: 'No money for pilots' })).toContainText('yours: 2');
  await expectAccessible(phone);
  await fresh(page);
  await expect(page.locator('.stage .votes')).toHaveCount(0);

  // Revealed, the dots reach every screen, most dotted first.
  await page.getByRole('button', { name: 'Reveal results' }).click();
  await expect(page.locator('.stage .note').first()).toContainText('● 2');
  await fresh(phone);
  await expect(phone.locator('.note').first()).toContainText('● 2');
  await phone.context().close();
});

test('a SWOT board shows its four quadrants and takes a note into each', async ({ page }) => {
  await newWorkshop(page, 'SWOT');
  await page.getByLabel('Kind of activity').selectOption('swot');
  await page.getByLabel('Question or instruction').fill('Our region');
  await page.getByLabel('Dot voting: dots per person').fill('1');
  await page.getByRole('button', { name: 'Add to the agenda' }).click();
  await expect(page.getByText('dots per person in each quadrant: 1')).toBeVisible();
  const code = (await page.locator('strong.code').textContent())!.trim();
  const phone = await joinRoom(page, code, 'Ivo');
  await page.getByRole('button', { name: 'Start with the first activity' }).click();
  await fresh(phone);
  for (const [text, quadrant] of [
    ['Two universities', 'Strengths'],
    ['Young people leave', 'Weaknesses'],
    ['Cohesion funding', 'Opportunities'],
    ['Energy prices', 'Threats'],
  ]) {
    await phone.getByLabel('Your note').fill(text);
    await phone.getByLabel('Where does it belong?').selectOption({ label: quadrant });
    await phone.getByRole('button', { name: 'Post' }).click();
    await expect(phone.locator('.wall-column', { hasText: quadrant })).toContainText(text);
  }
  await page.getByRole('button', { name: 'Start dot voting' }).click();
  await fresh(phone);
  await expect(phone.getByText('Strengths: dots left: 1 · Weaknesses: dots left: 1')).toBeVisible();
  await phone.getByRole('button', { name: '+ Add a dot: Energy prices' }).click();
  await expect(phone.getByText('Threats: dots left: 0')).toBeVisible();
  await expect(phone.getByRole('button', { name: '+ Add a dot: Two universities' })).toBeEnabled();
  await expectAccessible(phone);
  await fresh(page);
  await expect(page.locator('.stage .wall.swot .wall-column')).toHaveCount(4);
  await expectAccessible(page);
  await phone.context().close();
});

test('World Café tables: the facilitator seats two phones at two tables, rotates them, and harvests both tables into one board', async ({ page }) => {
  await newWorkshop(page, 'Café');
  await page.getByLabel('Kind of activity').selectOption('cafe');
  await page.getByLabel('Question or instruction').fill('Two questions');
  await page.getByLabel('Options, statements or items').fill('Skills for 2030\nPaying for innovation');
  await page.getByRole('button', { name: 'Add to the agenda' }).click();
  await expect(page.getByText('Skills for 2030 · Paying for innovation')).toBeVisible();
  const code = (await page.locator('strong.code').textContent())!.trim();
  const ana = await joinRoom(page, code, 'Ana');
  const ivo = await joinRoom(page, code, 'Ivo');
  await page.getByRole('button', { name: 'Start with the first activity' }).click();
  await fresh(ana);
  await expect(ana.getByText('Wait a moment: the facilitator will seat you at a table.')).toBeVisible();

  await fresh(page);
  await page.getByRole('button', { name: 'Split the room into tables' }).click();
  await expect(page.getByText('Table 2: Paying for innovation — host: Ivo · people: 1')).toBeVisible();
  await fresh(ana);
  await expect(ana.getByText('You are at table 1: Skills for 2030')).toBeVisible();
  await expect(ana.getByText('You host this table')).toBeVisible();
  await ana.getByLabel('Your note').fill('Welders and coders');
  await ana.getByRole('button', { name: 'Post' }).click();
  await expect(ana.locator('.note', { hasText: 'Welders and coders' })).toBeVisible();
  await expectAccessible(ana);
  await fresh(ivo);
  await ivo.getByLabel('Your note').fill('Vouchers for small firms');
  await ivo.getByRole('button', { name: 'Post' }).click();
  await expect(ivo.locator('.note', { hasText: 'Vouchers for small firms' })).toBeVisible();
  await expect(ivo.getByText('Welders and coders')).toHaveCount(0);

  // Both host a table, so the rotation moves nobody; the harvest puts both tables on one board.
  await fresh(page);
  await page.getByRole('button', { name: 'Rotate: everyone but the hosts moves on' }).click();
  await expect(page.getByText('Rotations so far: 1')).toBeVisible();
  await page.getByRole('button', { name: 'Harvest into the plenary board' }).click();
  await expect(page.getByText('The tables are harvested').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start dot voting' })).toBeVisible();
  await fresh(ivo);
  await expect(ivo.locator('.note', { hasText: 'Welders and coders' })).toBeVisible();
  await expect(ivo.getByLabel('Your note')).toHaveCount(0);
  await expectAccessible(ivo);
  await expectAccessible(page);
  await ana.context().close();
  await ivo.context().close();
});
