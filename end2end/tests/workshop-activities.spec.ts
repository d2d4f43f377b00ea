import { expect, Page, test } from '@playwright/test';
import { expectAccessible, fresh, joinRoom, newWorkshop, scripted } from './helpers';

async function addActivity(page: Page, kind: string, prompt: string, fields: Record<string, string>) {
  await page.getByLabel('Kind of activity').selectOption(kind);
  await page.getByLabel('Question or instruction').fill(prompt);
  for (const [label, value] of Object.entries(fields)) {
    await page.getByLabel(label).fill(value);
  }
  await page.getByRole('button', { name: 'Add to the agenda' }).click();
  await expect(page.getByRole('heading', { level: 3, name: prompt })).toBeVisible();
}

test('a phone ranks items, spreads dots that stay hidden until revealed and places drivers on a 2×2 matrix', async ({ page }) => {
  await newWorkshop(page, 'Scenarios');
  const items = 'Vouchers\nGrants\nTraining';
  await addActivity(page, 'ranking', 'Which instrument matters most?', { 'Options, statements or items': items });
  await page.getByLabel('Dot voting: people may put several dots on one item').check();
  await addActivity(page, 'dots', 'Where should the money go?', {
    'Options, statements or items': items,
    'Dot voting: dots per person': '3',
  });
  await addActivity(page, 'matrix', 'Place the drivers', {
    'Options, statements or items': 'Energy prices\nSkills',
  });
  await expect(page.getByText('Energy prices · Skills (Impact × Uncertainty)')).toBeVisible();
  const code = (await page.locator('strong.code').textContent())!.trim();

  const phone = await joinRoom(page, code, 'Ana');
  await expect(phone.getByText('The facilitator has not started an activity yet.')).toBeVisible();

  // Ranking: tapped into order with JavaScript, a place chosen per item without.
  await page.getByRole('button', { name: 'Start with the first activity' }).click();
  await expect(page.getByText('Activity 1 of 3 · taking answers')).toBeVisible();
  await fresh(phone);
  await expect(phone.getByRole('heading', { level: 2, name: 'Which instrument matters most?' })).toBeVisible();
  if (scripted()) {
    await phone.getByRole('button', { name: 'Move up: Training' }).click();
    await phone.getByRole('button', { name: 'Move up: Training' }).click();
    await expect(phone.locator('.ranking .item')).toHaveText(['Training', 'Vouchers', 'Grants']);
  } else {
    await phone.getByLabel('Training', { exact: true }).selectOption('1');
    await phone.getByLabel('Vouchers', { exact: true }).selectOption('2');
    await phone.getByLabel('Grants', { exact: true }).selectOption('3');
  }
  await expectAccessible(phone);
  await phone.getByRole('button', { name: 'Send' }).click();
  await expect(phone.getByText('Your answer is counted.')).toBeVisible();
  await fresh(page);
  await expect(page.locator('.ranked li').first()).toContainText('Training — average place 1.0');

  // Dot voting: the count stays hidden from the facilitator's screen until revealed.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Activity 2 of 3 · taking answers')).toBeVisible();
  await fresh(phone);
  await expect(phone.getByText('You have 3 dots')).toBeVisible();
  await phone.getByLabel('Grants').fill('2');
  await phone.getByLabel('Training').fill('2');
  await phone.getByRole('button', { name: 'Send' }).click();
  await expect(phone.getByText('Please give at most 3.')).toBeVisible();
  await phone.getByLabel('Grants').fill('2');
  await phone.getByLabel('Training').fill('1');
  await phone.getByRole('button', { name: 'Send' }).click();
  await expect(phone.getByText('Your answer is counted.')).toBeVisible();
  await fresh(page);
  await expect(page.getByText('People who placed dots so far: 1.')).toBeVisible();
  await expect(page.getByText('dots: 2')).toHaveCount(0);
  await page.getByRole('button', { name: 'Reveal results' }).click();
  await expect(page.getByText('Grants — dots: 2')).toBeVisible();
  await fresh(phone);
  await expect(phone.getByText('Grants — dots: 2')).toBeVisible();

  // The 2×2 matrix: every item on both axes, drawn and tabulated.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Activity 3 of 3 · taking answers')).toBeVisible();
  await fresh(phone);
  const energy = phone.getByRole('group', { name: '1. Energy prices' });
  await energy.getByRole('group', { name: 'Impact' }).getByRole('radio', { name: '5' }).check();
  await energy.getByRole('group', { name: 'Uncertainty' }).getByRole('radio', { name: '2' }).check();
  await expectAccessible(phone);
  await phone.getByRole('button', { name: 'Send' }).click();
  await expect(phone.getByText('Your answer is counted.')).toBeVisible();
  await fresh(page);
  const row = page.getByRole('row', { name: /Energy prices/ });
  await expect(row).toContainText('5.0 ± 0.0');
  await expect(row).toContainText('2.0 ± 0.0');
  await expect(page.getByRole('img', { name: /placed by Impact and Uncertainty/ })).toBeVisible();
  await expectAccessible(page);
  await phone.context().close();
});

test('phones ask questions that the facilitator approves, the room upvotes them and the facilitator marks them answered', async ({ page }) => {
  await newWorkshop(page, 'Panel');
  await page.getByLabel('Questions and answers: people may ask without their nickname').check();
  await page.getByLabel('Questions and answers: show a question only once I approve it').check();
  await addActivity(page, 'questions', 'Ask the panel', {});
  const code = (await page.locator('strong.code').textContent())!.trim();

  const phones: Page[] = [];
  for (const name of ['Ana', 'Ivo']) {
    phones.push(await joinRoom(page, code, name));
  }
  const [ana, ivo] = phones;
  await page.getByRole('button', { name: 'Start with the first activity' }).click();
  await expect(page.getByText('Activity 1 of 1 · taking answers')).toBeVisible();

  // Ana asks; her question waits for the facilitator, and only she sees it.
  await fresh(ana);
  await ana.getByLabel('Your question').fill('Who pays for the pilot actions?');
  await ana.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect(ana.getByText('waiting for the facilitator')).toBeVisible();
  await expectAccessible(ana);
  await fresh(ivo);
  await expect(ivo.getByText('Who pays for the pilot actions?')).toHaveCount(0);

  // The facilitator approves it: it reaches every phone, and Ivo upvotes it.
  await fresh(page);
  await page.getByRole('button', { name: 'Show: Who pays for the pilot actions?' }).click();
  await fresh(ivo);
  await ivo.getByRole('button', { name: 'Upvote: Who pays for the pilot actions?' }).click();
  await expect(ivo.getByRole('button', { name: 'Take back my upvote: Who pays for the pilot actions?' })).toHaveAttribute('aria-pressed', 'true');
  await expectAccessible(ivo);
  await fresh(page);
  await expect(page.locator('.stage .questions li').first()).toContainText('▲ 1');
  await expect(page.locator('.stage .questions li').first()).toContainText('Ana');

  // Marked answered, it says so on the phones.
  await page.getByRole('button', { name: 'Mark answered: Who pays for the pilot actions?' }).click();
  await fresh(ana);
  await expect(ana.locator('.questions li').first()).toContainText('answered');
  await expectAccessible(page);
  for (const phone of phones) {
    await phone.context().close();
  }
});

test('a Delphi panel rates, sees the group and its own score in the next round, revises with a reason, and the facilitator sees the rounds', async ({ page }) => {
  await newWorkshop(page, 'Foresight');
  await page.getByLabel('Rating and Delphi: scale').selectOption('agreement');
  const statement = 'Clusters will have a permanent board by 2035';
  await addActivity(page, 'delphi', 'How far do you agree?', { 'Options, statements or items': statement });
  const code = (await page.locator('strong.code').textContent())!.trim();
  const phone = await joinRoom(page, code, 'Ana');
  await page.getByRole('button', { name: 'Start with the first activity' }).click();
  await expect(page.getByText('Round 1 under way; people who rated in it: 0')).toBeVisible();

  await fresh(phone);
  const scale = phone.getByRole('group', { name: statement });
  await scale.getByRole('radio', { name: '2' }).check();
  await phone.getByLabel('Why?').fill('Boards came and went');
  await phone.getByRole('button', { name: 'Send' }).click();
  await expect(phone.getByText('Your answer is counted.')).toBeVisible();
  await fresh(page);
  await expect(page.getByText('Round 1 under way; people who rated in it: 1')).toBeVisible();

  await page.getByRole('button', { name: 'Start round 2' }).click();
  await expect(page.getByText('Round 2 under way; people who rated in it: 0')).toBeVisible();
  await expect(page.getByRole('row', { name: /^1 mean 2\.0/ })).toBeVisible();
  await fresh(phone);
  await expect(phone.getByText('The group in round 1: mean 2.0 ± 0.0 (answers: 1) · your score: 2')).toBeVisible();
  await expect(phone.getByText('Boards came and went')).toBeVisible();
  await expect(phone.getByText('Your answer is counted.')).toHaveCount(0);
  await expectAccessible(phone);
  await scale.getByRole('radio', { name: '3' }).check();
  await phone.getByLabel('Why?').fill('The budget is there now');
  await phone.getByRole('button', { name: 'Send' }).click();
  await expect(phone.getByText('Your answer is counted.')).toBeVisible();

  await fresh(page);
  await page.getByRole('button', { name: 'Reveal results' }).click();
  await expect(page.getByRole('row', { name: /^2 mean 3\.0/ })).toBeVisible();
  await expect(page.getByText('The budget is there now')).toBeVisible();
  await expectAccessible(page);
  await phone.context().close();
});
