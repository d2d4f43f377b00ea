import { expect, test } from '@playwright/test';
import { ADMIN, PASSWORD, expectAccessible, signIn, submitSignIn, uniqueEmail } from './helpers';

test('a visitor signs up, signs out and signs in again', async ({ page }, info) => {
  const email = uniqueEmail(info, 'ivana');
  await page.goto('/signup');
  await expectAccessible(page);
  await page.getByLabel('Name').fill('Ivana Horvat');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Your account', exact: true })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();

  await submitSignIn(page, email, 'not the password at all');
  await expect(page.getByText('The e-mail or the password is not right.')).toBeVisible();
  await expect(page.getByLabel('E-mail')).toHaveValue(email);
  await expectAccessible(page);

  await signIn(page, email, PASSWORD);
});

test('signing up twice with one e-mail says so at the field', async ({ page }, info) => {
  const email = uniqueEmail(info, 'twice');
  for (const attempt of [1, 2]) {
    await page.context().clearCookies();
    await page.goto('/signup');
    await page.getByLabel('Name').fill(`Marko ${attempt}`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    if (attempt === 1) await expect(page.getByRole('heading', { name: 'Your account', exact: true })).toBeVisible();
  }
  await expect(page.getByText('An account with this e-mail already exists.')).toBeVisible();
});

test('the administrator sees the people and can close sign-up', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto('/admin');
  await expect(page.getByRole('heading', { name: 'People' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Close sign-up' }).click();
  await expect(page.getByRole('button', { name: 'Open sign-up' })).toBeVisible();
  await page.getByRole('button', { name: 'Open sign-up' }).click();
  await expect(page.getByRole('button', { name: 'Close sign-up' })).toBeVisible();
});

test('a signed-in person adds an organisation and finds it in the registry', async ({ page }, info) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto('/organisations');
  const name = `Klaster ${info.project.name} ${Date.now()}`;
  await page.getByLabel('Name of the organisation').fill(name);
  await page.getByLabel('Type').selectOption('cluster_organisation');
  await page.getByLabel('Country', { exact: true }).last().selectOption('HR');
  await page.getByLabel('Region (NUTS 2)').selectOption('HR05');
  await page.getByRole('button', { name: 'Add organisation' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByText('Grad Zagreb')).toBeVisible();
  await expectAccessible(page);
});

test('a mistake in the organisation form is named at its field and keeps what was chosen', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto('/organisations');
  await page.getByLabel('Name of the organisation').fill('Klaster s pogrešnom adresom');
  await page.getByLabel('Type').selectOption('research');
  await page.getByLabel('Country', { exact: true }).last().selectOption('HR');
  await page.getByLabel('Region (NUTS 2)').selectOption('HR03');
  await page.getByLabel('Website').fill('ftp://klaster.hr');
  await page.getByRole('button', { name: 'Add organisation' }).click();
  await expect(page.getByText('Please enter a web address that starts with https://')).toBeVisible();
  await expect(page.getByLabel('Name of the organisation')).toHaveValue('Klaster s pogrešnom adresom');
  await expect(page.getByLabel('Type')).toHaveValue('research');
  await expect(page.getByLabel('Country', { exact: true }).last()).toHaveValue('HR');
  await expect(page.getByLabel('Region (NUTS 2)')).toHaveValue('HR03');
  await expect(page.getByLabel('Website')).toHaveValue('ftp://klaster.hr');
  await expectAccessible(page);
});
