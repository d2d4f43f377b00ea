import { expect, test } from '@playwright/test';

test('the page hydrates under its Content-Security-Policy and forms answer in place', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    // A refused sign-in is answered 422, which the browser logs; that is the expected answer.
    if (m.type() === 'error' && !m.text().includes('status of 422')) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));

  await page.goto('/signin');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('E-mail').fill('nobody@e2e.example.org');
  await page.getByLabel('Password', { exact: true }).fill('wrong password here');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('The e-mail or the password is not right.')).toBeVisible();
  // Answered by the hydrated form: no round trip through a redirect carrying the error.
  expect(page.url()).not.toContain('__err');
  expect(problems).toEqual([]);
});
