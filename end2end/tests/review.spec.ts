import { APIRequestContext, expect, test } from '@playwright/test';
import { expectAccessible, signUp, startRound, uniqueEmail } from './helpers';

/** Calls a server function as the hydrated page does: a form post from the platform's origin. */
async function call(request: APIRequestContext, baseURL: string, endpoint: string, form: Record<string, string>) {
  const res = await request.post(`/api/assessment/${endpoint}`, { form, headers: { origin: baseURL } });
  expect(res.status(), `${endpoint}: ${await res.text()}`).toBe(200);
  return res.json().catch(() => null);
}

/** Three respondents by personal link, each giving the minimal complete response and
 * submitting it (set up through the server functions: the answering pages have specs of
 * their own). */
async function threeSubmitted(request: APIRequestContext, baseURL: string, roundId: string) {
  for (const label of ['One', 'Two', 'Three']) {
    await call(request, baseURL, 'invite_link', { round_id: roundId, label });
  }
  const [, responses] = await call(request, baseURL, 'round', { round_id: roundId });
  for (const r of responses.filter((r: { code?: string }) => r.code)) {
    const view = await call(request, baseURL, 'response', { key: r.code });
    for (const section of view.template.sections) {
      if (section.show_if) continue;
      for (const item of section.items) {
        if (!item.required || item.show_if) continue;
        const fields: Record<string, string> =
          item.type === 'evidence'
            ? { 'fields[present]': '3', 'fields[target]': '4' }
            : item.type === 'single_choice'
              ? { 'fields[value]': item.options[0].id }
              : { 'fields[value]': 'Zadar' };
        await call(request, baseURL, 'save_answer', { key: r.code, item: item.id, ...fields });
      }
    }
    await call(request, baseURL, 'submit', { key: r.code });
  }
}

test('a reviewer from another region scores the dimensions and the region sees it beside its own', async ({ page, browser, baseURL }, info) => {
  const roundUrl = await startRound(page, `Reviewed ${info.project.name} ${Date.now()}`);
  const roundId = roundUrl.split('/').pop()!;
  await threeSubmitted(page.request, baseURL!, roundId);

  const reviewerEmail = uniqueEmail(info, 'maja');
  const reviewer = await browser.newContext({
    javaScriptEnabled: info.project.use.javaScriptEnabled,
    viewport: page.viewportSize(),
  });
  const phone = await reviewer.newPage();
  await signUp(phone, 'Maja Novak', reviewerEmail);

  await page.goto(`/assessments/${roundId}/results`);
  await page.getByLabel("Reviewer's e-mail").fill(reviewerEmail);
  await page.getByRole('button', { name: 'Ask for a review' }).click();
  await expect(page.getByRole('listitem').filter({ hasText: reviewerEmail })).toContainText('not submitted yet');

  await phone.goto('/assessments');
  await phone.goto((await phone.getByRole('link', { name: /^Reviewed / }).getAttribute('href'))!);
  await expect(phone.getByRole('heading', { level: 1, name: /^Peer review: / })).toBeVisible();
  await expectAccessible(phone);
  const dimensions = phone.locator('fieldset.scale');
  const count = await dimensions.count();
  for (let n = 0; n < count; n++) {
    const dimension = dimensions.nth(n);
    // The region's own score is shown where it has one; only those must be scored.
    if ((await dimension.textContent())!.includes('today –')) continue;
    await dimension.getByLabel('2', { exact: true }).check();
  }
  await phone.getByLabel('Overall comment (optional)').fill('Monitoring is the weakest link.');
  await phone.getByRole('button', { name: 'Submit the review' }).click();
  await expect(phone.getByText('Your review is submitted. Thank you!')).toBeVisible();
  await reviewer.close();

  await page.reload();
  const table = page.getByRole('table', { name: "Present score by dimension: the region's own and the reviewers'" });
  await expect(table).toBeVisible();
  await expect(table.getByRole('columnheader', { name: reviewerEmail })).toBeVisible();
  await expect(page.getByText('Monitoring is the weakest link.')).toBeVisible();

  await page.getByLabel('Action', { exact: true }).fill('Agree three monitoring indicators');
  await page.getByLabel('Who is responsible').fill('Regional development agency');
  await page.getByRole('button', { name: 'Add the action' }).click();
  await expect(page.getByRole('heading', { level: 4, name: 'Agree three monitoring indicators' })).toBeVisible();
  await expectAccessible(page);
});
