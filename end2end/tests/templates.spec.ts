import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, signIn } from './helpers';

test('the administrator finds the built-in questionnaire and reads it section by section', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto('/admin');
  // The link is checked, then followed by address: a client-side move into a lazy route
  // sometimes never completes (ARCHITECTURE.md, lazy pages; under investigation).
  await expect(page.getByRole('link', { name: 'Questionnaire templates' })).toHaveAttribute('href', '/admin/templates');
  await page.goto('/admin/templates');
  await expect(page.getByRole('heading', { name: 'Questionnaire templates' })).toBeVisible();
  await expectAccessible(page);
  const template = page.getByRole('link', { name: 'Regional Cluster Policy Self-Assessment' });
  await page.goto((await template.getAttribute('href'))!);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Regional Cluster Policy Self-Assessment' }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Support to cluster organisations' }).first()).toBeVisible();
  await expect(page.getByText('Shown only when A4 is “A cluster programme”')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Download as a file' })).toHaveAttribute(
    'href',
    /\/api\/assessment\/export_template\?version_id=/,
  );
  await expectAccessible(page);
});

test('a template file with a mistake is refused with the place of the mistake', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto('/admin/templates');
  await page.getByLabel('Template file (JSON)').fill('{"format": 1, "key": "broken"}');
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByText('The template file has a problem at line 1, column')).toBeVisible();
  await expect(page.getByLabel('Template file (JSON)')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
});

test('a visitor who is not signed in is asked to sign in to see the templates', async ({ page }) => {
  const response = await page.goto('/admin/templates');
  expect(response?.status()).toBe(401);
  await expect(page.getByRole('heading', { name: /Please sign in/ })).toBeVisible();
});
