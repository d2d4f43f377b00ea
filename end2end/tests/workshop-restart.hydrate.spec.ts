import { ChildProcess, execFileSync, spawn } from 'child_process';
import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// Reconnecting is the page script's work, so this runs with JavaScript only (`.hydrate.spec`).
// A server of this test's own (the demo's data, its own port and database), so that it can be
// stopped and started again without touching the server the other specs share.
const root = path.resolve(__dirname, '..', '..');
const binary = path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'debug', 'server');
const port = Number(process.env.E2E_PORT ?? 3199) + 10;
const base = `http://127.0.0.1:${port}`;

function environment(database: string) {
  return {
    ...process.env,
    DATABASE_URL: `sqlite:${database}`,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: path.join(root, 'target', 'site'),
    PUBLIC_URL: base,
    SIGN_IN_ATTEMPTS_PER_MINUTE: '1000',
    RUST_LOG: 'warn',
  };
}

async function healthy() {
  for (let n = 0; n < 300; n++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not come up within 30 s');
}

function start(database: string): ChildProcess {
  return spawn(binary, ['serve'], { env: environment(database), stdio: 'ignore' });
}

async function stop(server: ChildProcess) {
  const exited = new Promise((r) => server.once('exit', r));
  // A crash, not a goodbye: nothing is flushed or closed on the way out.
  server.kill('SIGKILL');
  await exited;
}

test('a restarted server keeps every acknowledged answer, and the phone and the facilitator reconnect by themselves', async ({ browser }) => {
  // Seeding the demo and starting the server twice take their time on a busy machine.
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clusterpolisee-restart-'));
  const database = path.join(dir, 'restart.db');
  const seeded = execFileSync(binary, ['demo'], { env: environment(database), encoding: 'utf8' });
  const code = /join code ([A-Z0-9]{6})/.exec(seeded)![1];
  let server = start(database);
  try {
    await healthy();
    const facilitator = await (await browser.newContext()).newPage();
    await facilitator.goto(`${base}/signin`);
    await facilitator.getByLabel('E-mail').fill('ivana.horvat@demo.clusterpolisee.eu');
    await facilitator.getByLabel('Password', { exact: true }).fill('cluster-demo-2026');
    await facilitator.locator('main form button[type=submit]').first().click();
    await facilitator.waitForURL((url) => !url.pathname.startsWith('/signin'));
    await facilitator.goto(`${base}/workshops`);
    await facilitator.locator('a', { hasText: 'Zagreb' }).first().click();
    await expect(facilitator.locator('body')).toHaveAttribute('data-hydrated', 'true');
    // The facilitator's account speaks Croatian.
    const button = (name: string) => facilitator.getByRole('button', { name, exact: true });

    const phone = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
    await phone.goto(`${base}/live/${code}`);
    await expect(phone.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await phone.getByLabel('Your name in the room').fill('Ana');
    await phone.getByRole('button', { name: 'Join' }).click();
    await expect(phone.getByText('The facilitator has not started an activity yet.')).toBeVisible();

    // Before the restart: the first activity, and an answer the server acknowledged.
    await button('Započni prvom aktivnošću').click();
    await expect(phone.getByText('Activity 1 of 10')).toBeVisible();
    await phone.getByLabel('Your words').fill('Wood');
    await phone.getByRole('button', { name: 'Send' }).click();
    await expect(phone.getByText('Your answer is counted.')).toBeVisible();
    await expect(facilitator.locator('.stage .cloud')).toContainText('Wood');

    await stop(server);
    server = start(database);
    await healthy();
    const back = Date.now();

    // The facilitator moves on (a plain request); both open pages must follow live, which
    // they can only do once their sockets are connected again.
    await button('Sljedeća').click();
    await expect(phone.getByText('Activity 2 of 10')).toBeVisible({ timeout: 15_000 });
    const followed = Date.now() - back;
    console.log(`the phone followed ${followed} ms after the server came back`);
    expect(followed, 'the phone followed within 5 s of the server coming back').toBeLessThan(5_000);
    await expect(facilitator.getByText('Aktivnost 2 od 10')).toBeVisible();

    // The answer acknowledged before the restart is still counted.
    await button('Prethodna').click();
    await expect(facilitator.locator('.stage .cloud')).toContainText('Wood');
    await expect(phone.getByText('Your answer is counted.')).toBeVisible();
  } finally {
    await stop(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
