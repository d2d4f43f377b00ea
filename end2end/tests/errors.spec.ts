import { expect, test } from '@playwright/test';
import { expectAccessible } from './helpers';

test('an unknown page answers 404 with a way back home', async ({ page }) => {
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'We could not find that page.' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Back to the home page' }).click();
  await expect(page).toHaveURL(/\/$/);
});

test('a page that needs an account asks to sign in, with status 401', async ({ page }) => {
  const response = await page.goto('/account');
  expect(response?.status()).toBe(401);
  await expect(page.getByRole('heading', { name: 'Please sign in to see this page.' })).toBeVisible();
});
