import { expect, Page, test } from '@playwright/test';

/** Waits until the page has hydrated (the entry point marks <body> when it has). */
async function hydrated(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

test('the release build hydrates its pages, loads a lazy route and answers a form in place', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    // A refused sign-in is answered 422, which the browser logs; that is the expected answer.
    if (m.type() === 'error' && !m.text().includes('status of 422')) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  const wasm: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('.wasm')) wasm.push(request.url());
  });

  await page.goto('/');
  await hydrated(page);
  expect(wasm.some((u) => u.includes('sign_in_route'))).toBe(false);

  await page.goto('/organisations');
  await hydrated(page);

  // A client-side navigation to a page whose code has not been loaded yet.
  await page.getByRole('link', { name: 'Sign in' }).first().click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(wasm.some((u) => u.includes('sign_in_route'))).toBe(true);

  await page.getByLabel('E-mail').fill('nobody@e2e.example.org');
  await page.getByLabel('Password', { exact: true }).fill('wrong password here');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('The e-mail or the password is not right.')).toBeVisible();
  expect(page.url()).not.toContain('__err');

  await page.goto('/signup');
  await hydrated(page);
  expect(problems).toEqual([]);
});
