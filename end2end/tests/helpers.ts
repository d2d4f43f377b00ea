import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test, TestInfo } from '@playwright/test';
import { readFileSync } from 'node:fs';

export const ADMIN = { email: 'admin@e2e.example.org', password: 'admin passphrase for e2e' };
export const PASSWORD = 'a long e2e passphrase';

/**
 * axe-core finds no serious or critical violation on the page as it is now, and the page does
 * not scroll sideways at the test's phone width. axe runs as a
 * script, so for a page without JavaScript it checks the same URL, with the same cookies, in a
 * page where scripts run but the application's own script is blocked: the same server HTML.
 */
export async function expectAccessible(page: Page) {
  if (test.info().project.use.javaScriptEnabled !== false) {
    await checkWithAxe(page);
    return;
  }
  const context = await page.context().browser()!.newContext({
    javaScriptEnabled: true,
    viewport: page.viewportSize(),
    storageState: await page.context().storageState(),
  });
  try {
    const copy = await context.newPage();
    await copy.route('**/pkg/*.{js,wasm}', (route) => route.abort());
    await copy.goto(page.url());
    await checkWithAxe(copy);
  } finally {
    await context.close();
  }
}

async function checkWithAxe(page: Page) {
  // Nothing may scroll sideways on a phone: the document is no wider than the viewport.
  const [documentWidth, viewportWidth] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    window.innerWidth,
  ]);
  expect(documentWidth, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(viewportWidth);
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(serious).toEqual([]);
}

/** An e-mail no other test (or project) uses. */
/** Whether the test's browser runs the application's script. */
export const scripted = () => test.info().project.use.javaScriptEnabled !== false;

/** Without JavaScript a page shows what changed once it is loaded again; with it, the live
 * socket must bring the change to the page as it is. */
export async function fresh(page: Page) {
  if (!scripted()) {
    await page.reload();
  }
}

export function uniqueEmail(info: TestInfo, name: string) {
  return `${name}-${info.project.name}-${Date.now()}@e2e.example.org`;
}

/** Signs `name` up with the test password on the sign-up page of `page`, and waits for their
 * account page. */
export async function signUp(page: Page, name: string, email: string) {
  await page.goto('/signup');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Your account', exact: true })).toBeVisible();
}

/** Submits the sign-in form; see [`signIn`] for a sign-in that must succeed. */
export async function submitSignIn(page: Page, email: string, password: string) {
  await page.goto('/signin');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in, and waits until the navigation offers the account page: only then is the session
 * there for the next page the test visits. */
export async function signIn(page: Page, email: string, password: string) {
  await submitSignIn(page, email, password);
  await expect(page.getByRole('link', { name: 'Account' })).toBeVisible();
}

/** Starts a round on the built-in questionnaire as the administrator; returns its page's URL. */
export async function startRound(page: Page, name: string) {
  await signIn(page, ADMIN.email, ADMIN.password);
  // Followed by address: see templates.spec.ts on client-side moves into lazy routes.
  await expect(page.getByRole('link', { name: 'Assessments' })).toHaveAttribute('href', '/assessments');
  await page.goto('/assessments');
  await expect(page.getByRole('heading', { level: 1, name: 'Assessments' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Name of the round').fill(name);
  await page.getByLabel('Region (NUTS 2)').selectOption('HR03');
  await page.getByRole('button', { name: 'Start the round' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  return page.url();
}

/** Signs in as the administrator and creates a workshop named `name` (with the project and the
 * time, so that runs never meet); answers its title. */
export async function newWorkshop(page: Page, name: string) {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto('/workshops');
  const title = `${name} ${test.info().project.name} ${Date.now()}`;
  await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Create the workshop' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  return title;
}

/** A phone of its own (a new browser at the page's width) that joins the room of `code` as
 * `name`. */
export async function joinRoom(page: Page, code: string, name: string) {
  const context = await page.context().browser()!.newContext({ viewport: page.viewportSize() });
  const phone = await context.newPage();
  await phone.goto(`/live/${code}`);
  if (scripted()) {
    await expect(phone.locator('body')).toHaveAttribute('data-hydrated', 'true');
  }
  await phone.getByLabel('Your name in the room').fill(name);
  await phone.getByRole('button', { name: 'Join' }).click();
  await expect(phone.getByText(`You are in, as ${name}.`)).toBeVisible();
  return phone;
}

/** The messages the run's SMTP server took for `to` (see smtp-sink.mjs), their quoted-printable
 * text decoded. */
export function mailTo(to: string): string[] {
  return readFileSync(process.env.E2E_MAIL_FILE!, 'utf8')
    .split('\n')
    .filter((line) => line)
    .map((line) => JSON.parse(line) as { to: string[]; data: string })
    .filter((m) => m.to.includes(to))
    .map((m) => {
      const bytes = m.data.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => `%${h}`);
      return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/g, '%25'));
    });
}
