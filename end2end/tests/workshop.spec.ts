import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, fresh, scripted, signIn } from './helpers';

test('a facilitator prepares an agenda and participants join by its code on their phones', async ({ page, browser }, info) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  // Followed by address: see templates.spec.ts on client-side moves into lazy routes.
  await expect(page.getByRole('link', { name: 'Workshops' })).toHaveAttribute('href', '/workshops');
  await page.goto('/workshops');
  await expect(page.getByRole('heading', { level: 1, name: 'Workshops' })).toBeVisible();
  const title = `Focus group ${info.project.name} ${Date.now()}`;
  await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Create the workshop' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();

  // A poll with one option is refused at its field, and what was typed stays.
  await page.getByLabel('Kind of activity').selectOption('poll');
  await page.getByLabel('Question or instruction').fill('Which instrument first?');
  await page.getByLabel('Options, statements or items').fill('Vouchers');
  await page.getByRole('button', { name: 'Add to the agenda' }).click();
  await expect(page.getByText('Please give at least 2, one per line.')).toBeVisible();
  await expect(page.getByLabel('Question or instruction')).toHaveValue('Which instrument first?');
  await expectAccessible(page);
  await page.getByLabel('Options, statements or items').fill('Vouchers\nCluster grants');
  await page.getByRole('button', { name: 'Add to the agenda' }).click();
  const agenda = page.getByRole('list').filter({ hasText: 'Vouchers · Cluster grants' });
  await expect(agenda).toBeVisible();

  await page.getByLabel('Kind of activity').selectOption('timer');
  await page.getByLabel('Question or instruction').fill('Coffee break');
  await page.getByLabel('Timer: how long').fill('10');
  await page.getByRole('button', { name: 'Add to the agenda' }).click();
  await expect(page.getByRole('heading', { level: 3, name: 'Coffee break' })).toBeVisible();
  await page.getByRole('button', { name: 'Move up: Coffee break' }).click();
  await expect(page.locator('ol.cards > li h3').first()).toHaveText('Coffee break');

  const code = (await page.locator('strong.code').textContent())!.trim();
  expect(code).toMatch(/^[A-Z2-9]{6}$/);

  // A participant types the code on their phone: no account.
  const room = await browser.newContext({ viewport: page.viewportSize() });
  const phone = await room.newPage();
  await phone.goto('/live');
  await phone.getByLabel('Code').fill(code.toLowerCase());
  await phone.getByLabel('Your name in the room').fill('Ana');
  await phone.getByRole('button', { name: 'Join' }).click();
  await expect(phone.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(phone.getByText('You are in, as Ana.')).toBeVisible();
  await expectAccessible(phone);
  await phone.reload();
  await expect(phone.getByText('You are in, as Ana.')).toBeVisible();

  // The facilitator locks joining: a newcomer is told so; Ana stays in.
  await page.reload();
  await expect(page.getByRole('heading', { level: 3, name: 'Ana' })).toBeVisible();
  await page.getByLabel('Lock joining: nobody new may join').check();
  // Without JavaScript the post answers with the page again: it must have loaded before the
  // reload, or the reload meets a page in the middle of its navigation.
  const saved = scripted()
    ? page.waitForResponse((r) => r.url().includes('/api/workshop/set_joining'))
    : page.waitForEvent('load');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await saved;
  await page.reload();
  await expect(page.getByLabel('Lock joining: nobody new may join')).toBeChecked();
  const late = await browser.newContext({ viewport: page.viewportSize() });
  const latePhone = await late.newPage();
  await latePhone.goto(`/live/${code}`);
  await expect(latePhone.getByText('This workshop takes no newcomers at the moment.')).toBeVisible();
  await phone.reload();
  await expect(phone.getByText('You are in, as Ana.')).toBeVisible();

  // Sent out, Ana's phone says so: at once with JavaScript, at the next load without.
  await page.getByRole('button', { name: 'Send out' }).click();
  await expect(page.getByRole('heading', { level: 3, name: 'Ana' })).toHaveCount(0);
  await fresh(phone);
  await expect(phone.getByText('You may not do that.')).toBeVisible();
  await expect(phone.getByText('You are in, as Ana.')).toHaveCount(0);
  await room.close();
  await late.close();
});

test('a facilitator keeps a workshop as a template and starts a new workshop from it', async ({ page }, info) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto('/workshops');
  const title = `Peer review ${info.project.name} ${Date.now()}`;
  await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Create the workshop' }).click();
  await page.getByLabel('Kind of activity').selectOption('word_cloud');
  await page.getByLabel('Question or instruction').fill('One word for the cluster');
  await page.getByRole('button', { name: 'Add to the agenda' }).click();
  await expect(page.getByRole('heading', { level: 3, name: 'One word for the cluster' })).toBeVisible();

  // The template keeps the agenda, and has no room of its own.
  await page.getByRole('button', { name: 'Save as a template' }).click();
  await expect(page.getByText('This is a template')).toBeVisible();
  await expect(page.getByRole('heading', { level: 3, name: 'One word for the cluster' })).toBeVisible();
  await expect(page.locator('strong.code')).toHaveCount(0);
  await expectAccessible(page);

  // Listed among the templates, it starts a workshop with the same agenda and a code.
  await page.goto('/workshops');
  const card = page.locator('li.card').filter({ hasText: title }).filter({ has: page.getByRole('button', { name: 'Start a workshop from this template' }) });
  await card.getByRole('button', { name: 'Start a workshop from this template' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByText('This is a template')).toHaveCount(0);
  await expect(page.locator('strong.code')).toHaveText(/^[A-Z2-9]{6}$/);
  await expect(page.getByRole('heading', { level: 3, name: 'One word for the cluster' })).toBeVisible();
});
