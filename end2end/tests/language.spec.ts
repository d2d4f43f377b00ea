import { expect, test } from '@playwright/test';
import { expectAccessible } from './helpers';

test('the language switch turns the page into Croatian and back', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByLabel('Language').selectOption('hr');
  await page.getByRole('button', { name: 'Change' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bolja klasterska politika, naučena zajedno');
  await expect(page.locator('html')).toHaveAttribute('lang', 'hr');
  await expect(page.getByText('Klasteri i regionalna specijalizacija')).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Jezik').selectOption('en');
  await page.getByRole('button', { name: 'Promijeni' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});
