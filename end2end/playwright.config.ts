import { defineConfig } from '@playwright/test';
import * as os from 'os';
import * as path from 'path';

// The server is the debug build of this checkout (or, with E2E_BUILD=release, the release build
// people run: wasm-opt, erased views, lazy routes split into chunks), on a fresh SQLite
// database of its own.
const release = process.env.E2E_BUILD === 'release';
const port = Number(process.env.E2E_PORT ?? 3199);
const baseURL = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..');
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target');
const database = path.join(os.tmpdir(), `clusterpolisee-e2e-${process.pid}`, 'e2e.db');
// The platform's e-mail goes to a small SMTP server of the run (smtp-sink.mjs), which writes
// each message to this file; workers inherit the path from the main process.
const smtpPort = port + 1;
process.env.E2E_MAIL_FILE ??= path.join(os.tmpdir(), `clusterpolisee-e2e-mail-${process.pid}.jsonl`);

// Debian's Chromium, started the way this closed network needs (no background connections).
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

const phone = { width: 360, height: 740 };

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  // The longest specs take about 25 s alone on two cores; a busy machine must not fail them.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: { baseURL, viewport: phone, launchOptions, trace: 'off' },
  projects: release
    ? [{ name: 'release', testMatch: /\.release\.ts/, use: { javaScriptEnabled: true } }]
    : [
        { name: 'setup', testMatch: /first-run\.setup\.ts/, use: { javaScriptEnabled: false } },
        {
          name: 'no-js',
          testMatch: /\.spec\.ts/,
          testIgnore: /\.hydrate\.spec\.ts/,
          dependencies: ['setup'],
          use: { javaScriptEnabled: false },
        },
        {
          name: 'hydrated',
          testMatch: /\.spec\.ts/,
          dependencies: ['setup'],
          use: { javaScriptEnabled: true },
        },
      ],
  webServer: [
    {
      command: `node ${path.join(__dirname, 'smtp-sink.mjs')} ${smtpPort} ${process.env.E2E_MAIL_FILE}`,
      port: smtpPort,
      reuseExistingServer: false,
      timeout: 10_000,
    },
    {
      command: `mkdir -p ${path.dirname(database)} && ${path.join(targetDir, release ? 'release' : 'debug', 'server')} serve`,
      url: `${baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      cwd: root,
      env: {
        DATABASE_URL: `sqlite:${database}`,
        DOCUMENTS_URL: path.join(path.dirname(database), 'documents'),
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        LEPTOS_SITE_ROOT: path.join(root, 'target', 'site'),
        PUBLIC_URL: baseURL,
        SIGN_IN_ATTEMPTS_PER_MINUTE: '1000',
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        MAIL_FROM: 'ClusterPoliSEE <noreply@e2e.example.org>',
        // Notifications asked for by e-mail leave within a second, not a minute.
        NOTICE_MAIL_SECONDS: '1',
        RUST_LOG: 'warn',
      },
    },
  ],
});
