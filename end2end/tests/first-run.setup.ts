import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible } from './helpers';

test('the first visitor creates the administrator from the home page', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText('The platform has no administrator yet.')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Set up the platform' }).click();
  await expect(page.getByRole('heading', { name: 'Set up the platform' })).toBeVisible();

  await page.getByLabel('Name').fill('Ana Admin');
  await page.getByLabel('E-mail').fill(ADMIN.email);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page.getByText('Please use at least 10 characters.')).toBeVisible();
  // The form comes back filled, but what was typed stays out of the address bar.
  await expect(page.getByLabel('E-mail')).toHaveValue(ADMIN.email);
  expect(page.url()).not.toContain('e2e.example.org');
  await expectAccessible(page);

  await page.getByLabel('Name').fill('Ana Admin');
  await page.getByLabel('E-mail').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible();
  await expect(page.getByRole('cell', { name: ADMIN.email, exact: true })).toBeVisible();
  await expectAccessible(page);

  await page.goto('/setup');
  await expect(page.getByText('The platform is already set up.')).toBeVisible();
});
