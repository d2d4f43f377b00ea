import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { expectAccessible, mailTo, signUp, uniqueEmail } from './helpers';

/** Creates a partnership-wide workspace named `prefix` + a unique tail; answers its name and address. */
async function createWorkspace(page: Page, prefix: string, info: TestInfo): Promise<[string, string]> {
  await page.goto('/workspaces');
  const name = `${prefix} ${info.project.name} ${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create the workspace' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  return [name, new URL(page.url()).pathname];
}

/** The owner on `page` makes a link; a new person signs up in a browser of their own and joins by it. */
async function colleagueJoins(page: Page, browser: Browser, name: string, who: string, email: string) {
  await page.getByRole('button', { name: 'Make a link' }).click();
  const link = await page.getByLabel('Your new invitation link', { exact: false }).inputValue();
  const context = await browser.newContext({ viewport: page.viewportSize() });
  const colleague = await context.newPage();
  await signUp(colleague, who, email);
  await colleague.goto(new URL(link).pathname);
  await colleague.getByRole('button', { name: 'Join' }).click();
  await expect(colleague.getByRole('heading', { level: 1, name })).toBeVisible();
  return { colleague, context };
}

test('a person creates a private workspace, a colleague joins by its link and is given a role, and others do not see it', async ({ page, browser }, info) => {
  await signUp(page, 'Maja Owner', uniqueEmail(info, 'ws-owner'));
  // Followed by address: see templates.spec.ts on client-side moves into lazy routes.
  await expect(page.getByRole('link', { name: 'Workspaces' })).toHaveAttribute('href', '/workspaces');
  await page.goto('/workspaces');
  await expect(page.getByRole('heading', { level: 1, name: 'Workspaces' })).toBeVisible();
  await expectAccessible(page);

  const name = `Steering group ${info.project.name} ${Date.now()}`;
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('What the group works on').fill('Plans and the joint strategy.');
  await page.getByLabel('Who can see it').selectOption('private');
  await page.getByLabel('Cluster and regional specialisation').check();
  await page.getByRole('button', { name: 'Create the workspace' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByText('your role: owner')).toBeVisible();
  const address = new URL(page.url()).pathname;

  // A second workspace of the same name is refused at its field, with what was typed kept.
  await page.goto('/workspaces');
  await page.getByLabel('Name').fill(name.toUpperCase());
  await page.getByLabel('What the group works on').fill('A copy');
  await page.getByRole('button', { name: 'Create the workspace' }).click();
  await expect(page.getByText('Another workspace has this name already.')).toBeVisible();
  await expect(page.getByLabel('What the group works on')).toHaveValue('A copy');

  // A link for one person, shown once.
  await page.goto(address);
  await page.getByLabel('How many people it lets in').fill('1');
  await page.getByRole('button', { name: 'Make a link' }).click();
  const shown = page.getByLabel('Your new invitation link', { exact: false });
  await expect(shown).toBeVisible();
  const link = await shown.inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]+$/);
  await expectAccessible(page);

  const colleagueContext = await browser.newContext({ viewport: page.viewportSize() });
  const colleague = await colleagueContext.newPage();
  await signUp(colleague, 'Ivo Colleague', uniqueEmail(info, 'ws-colleague'));
  await colleague.goto(new URL(link).pathname);
  await expect(colleague.getByText(`You are invited to ${name}`)).toBeVisible();
  await expectAccessible(colleague);
  await colleague.getByRole('button', { name: 'Join' }).click();
  await expect(colleague.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(colleague.getByText('your role: member')).toBeVisible();

  // The link was for one: the next person is told why it no longer works.
  const lateContext = await browser.newContext({ viewport: page.viewportSize() });
  const late = await lateContext.newPage();
  await signUp(late, 'Eva Late', uniqueEmail(info, 'ws-late'));
  await late.goto(new URL(link).pathname);
  await expect(late.getByText('This invitation link has let in as many people as it was made for.', { exact: false })).toBeVisible();
  // A private workspace is nowhere for someone outside it.
  await late.goto(address);
  await expect(late.getByRole('heading', { level: 1, name: 'We could not find that page.' })).toBeVisible();
  await late.goto('/workspaces');
  await expect(late.getByRole('link', { name })).toHaveCount(0);

  // The owner makes the colleague an observer; the last owner cannot leave.
  await page.goto(address);
  await page.getByLabel('Role of Ivo Colleague').selectOption('observer');
  await page.getByRole('listitem').filter({ hasText: 'Ivo Colleague' }).getByRole('button', { name: 'Change' }).click();
  await expect(page.getByText('Ivo Colleague · observer (reads only)')).toBeVisible();
  await page.getByRole('button', { name: 'Leave this workspace' }).click();
  await expect(page.getByText('A workspace needs an owner', { exact: false })).toBeVisible();
  await colleague.goto(address);
  await expect(colleague.getByText('your role: observer (reads only)')).toBeVisible();
  await colleagueContext.close();
  await lateContext.close();
});

test('a partnership-wide workspace takes a request to join, which a facilitator admits', async ({ page, browser }, info) => {
  await signUp(page, 'Ana Facilitator', uniqueEmail(info, 'ws-facilitator'));
  await page.goto('/workspaces');
  const name = `Skills forum ${info.project.name} ${Date.now()}`;
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('New skills and jobs creation').check();
  await page.getByRole('button', { name: 'Create the workspace' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const address = new URL(page.url()).pathname;

  const otherContext = await browser.newContext({ viewport: page.viewportSize() });
  const other = await otherContext.newPage();
  await signUp(other, 'Eszter Reader', uniqueEmail(info, 'ws-reader'));
  await other.goto('/workspaces?theme=skills');
  await expect(other.getByRole('link', { name })).toHaveAttribute('href', address);
  await other.goto(address);
  await other.getByRole('button', { name: 'Ask to join' }).click();
  await expect(other.getByText('You asked to join; a facilitator will answer.')).toBeVisible();

  await page.reload();
  await expect(page.getByText('Eszter Reader · asks to join')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Admit' }).click();
  await expect(page.getByText('Eszter Reader · member')).toBeVisible();
  await other.reload();
  await expect(other.getByText('your role: member')).toBeVisible();
  await otherContext.close();
});

test('members discuss in a thread: Markdown shows formatted, a reply mentions a member, and an edit is marked', async ({ page, browser }, info) => {
  const olga = uniqueEmail(info, 'ws-thread-owner');
  await signUp(page, 'Olga Discussant', olga);
  const [name, address] = await createWorkspace(page, 'Financing circle', info);
  // She asks for her notifications by e-mail too, as they come.
  await page.goto('/notifications');
  await page.getByLabel('As they come').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('As they come')).toBeChecked();
  // Nothing is mailed until she confirms that the address is hers, through a link sent to it.
  await expect(page.getByText(`We sent a link to ${olga}`)).toBeVisible();
  await expect.poll(() => mailTo(olga).length, { timeout: 15_000 }).toBe(1);
  const confirm = mailTo(olga)[0].match(/\/notifications\/confirm\/[0-9a-f]{64}/)![0];
  await page.goto(confirm);
  await expect(page.getByText(`Notifications will be sent by e-mail to ${olga} once you confirm`)).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await expect(page.getByText('Your address is confirmed')).toBeVisible();
  // A link that is not (or no longer) one says so, in words.
  await page.goto(`/notifications/confirm/${'0'.repeat(64)}`);
  await expect(page.getByRole('alert')).toContainText('This link can no longer be used');
  await page.goto('/notifications');
  await expect(page.getByText(`E-mail goes to ${olga}.`)).toBeVisible();
  await page.goto(address);
  await expect(page.getByText('No discussion yet.')).toBeVisible();

  await page.getByLabel('Subject').fill('Who pays for the cluster manager?');
  await page.getByLabel('Your text').fill('**Vouchers** or grants? <b>raw</b>');
  await page.getByRole('button', { name: 'Start the discussion' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Who pays for the cluster manager?' })).toBeVisible();
  await expect(page.locator('.post-body strong')).toHaveText('Vouchers');
  await expect(page.locator('.post-body')).toContainText('<b>raw</b>');
  const thread = new URL(page.url()).pathname;

  // A colleague joins by link and replies, mentioning the owner.
  await page.goto(address);
  const { colleague, context: colleagueContext } = await colleagueJoins(page, browser, name, 'Ivo Replier', uniqueEmail(info, 'ws-thread-member'));
  await colleague.goto(thread);
  await colleague.getByLabel('Your text').fill('Vouchers, @Olga Discussant.');
  await colleague.getByRole('button', { name: 'Reply' }).click();
  await expect(colleague.locator('.mention')).toHaveText('@Olga Discussant');
  await expectAccessible(colleague);

  // The colleague edits the reply: it says so.
  await colleague.getByText('Edit', { exact: true }).click();
  await colleague.getByLabel('Your text').first().fill('Vouchers, after all.');
  await colleague.getByRole('button', { name: 'Save' }).click();
  await expect(colleague.locator('.post-body').last()).toHaveText('Vouchers, after all.');
  await expect(colleague.getByText('edited')).toBeVisible();

  // The owner's home: the reply is new to her, and the activity tells who did what.
  await page.goto(address);
  const attention = page.getByRole('region', { name: 'Needs your attention' });
  await expect(attention.getByText('Discussions with posts you have not read: 1')).toBeVisible();
  await expect(attention.getByRole('link', { name: 'Who pays for the cluster manager?' })).toHaveAttribute('href', thread);
  await expect(attention.getByRole('link', { name: 'Unread notifications from this workspace: 1' })).toBeVisible();
  const line = page.locator('.threads li', { hasText: 'Who pays for the cluster manager?' });
  await expect(line.getByText('new', { exact: true })).toBeVisible();
  await expect(line.getByText('posts: 2')).toBeVisible();
  await expect(page.locator('.feed li').first()).toContainText('Ivo Replier replied in Who pays for the cluster manager?');
  await expect(page.locator('.feed')).toContainText('Olga Discussant started the discussion Who pays for the cluster manager?');
  await expect(page.locator('.feed')).toContainText('Ivo Replier joined the workspace');

  // The owner was mentioned in a reply to her thread (one notification): the header counts
  // it, and reading clears it.
  await expect(page.getByRole('link', { name: 'Notifications (1 unread)' })).toHaveAttribute('href', '/notifications');
  // The server mails it within a second or two, with a link to the reply.
  await expect.poll(() => mailTo(olga).length, { timeout: 15_000 }).toBe(2);
  expect(mailTo(olga)[1]).toContain('Ivo Replier mentioned you in');
  expect(mailTo(olga)[1]).toContain(`${thread}#post-`);
  await page.goto('/notifications');
  await expect(page.getByRole('link', { name: 'Ivo Replier mentioned you in Who pays for the cluster manager?' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Mark all as read' }).click();
  await expect(page.getByText('Unread: 0')).toBeVisible();
  // The header follows, in place with JavaScript and on the page sent back without.
  await expect(page.getByRole('link', { name: 'Notifications', exact: true })).toBeVisible();

  // Once she has read the thread, nothing waits for her there.
  await page.goto(thread);
  await page.goto(address);
  await expect(page.getByText('You are up to date: nothing new since your last visit.')).toBeVisible();
  await expect(page.locator('.threads li', { hasText: 'Who pays for the cluster manager?' }).getByText('new', { exact: true })).toHaveCount(0);
  await expectAccessible(page);
  await colleagueContext.close();
});

test('a member shares a document that a colleague downloads; a file that lies about its kind is refused with the reason', async ({ page, browser }, info) => {
  await signUp(page, 'Dora Sharer', uniqueEmail(info, 'ws-doc-owner'));
  const [name, address] = await createWorkspace(page, 'Evaluation reports', info);
  await expect(page.getByText('No documents shared yet.')).toBeVisible();
  await expect(page.getByText('Space used: 0 B of 2.1 GB')).toBeVisible();

  // A "PDF" that is a program is refused, and the page says why.
  await page.getByLabel('File', { exact: true }).setInputFiles({
    name: 'report.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('MZ\x90\x00 not a PDF at all'),
  });
  await page.getByRole('button', { name: 'Share the file' }).click();
  await expect(page.getByRole('alert')).toContainText("The file's content is not what its name says");
  await expect(page.getByText('No documents shared yet.')).toBeVisible();

  const pdf = Buffer.from('%PDF-1.4\n% a small report\n');
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'Evaluation Čakovec.pdf', mimeType: 'application/pdf', buffer: pdf });
  await page.getByRole('button', { name: 'Share the file' }).click();
  const shared = page.locator('.documents').getByRole('link', { name: 'Evaluation Čakovec.pdf' });
  await expect(shared).toBeVisible();
  await expect(page.locator('.feed li').first()).toContainText('Dora Sharer shared Evaluation Čakovec.pdf');
  await expect(page.locator('.documents li', { hasText: 'Evaluation Čakovec.pdf' })).toContainText('Dora Sharer');
  await expect(page.getByText(`Space used: ${pdf.length} B of 2.1 GB`)).toBeVisible();
  await expectAccessible(page);

  // A colleague who joined by link downloads it as a file.
  const { colleague, context: colleagueContext } = await colleagueJoins(page, browser, name, 'Goran Reader', uniqueEmail(info, 'ws-doc-reader'));
  const download = colleague.waitForEvent('download');
  await colleague.locator('.documents').getByRole('link', { name: 'Evaluation Čakovec.pdf' }).click();
  expect((await download).suggestedFilename()).toBe('Evaluation Čakovec.pdf');
  // Only its uploader and the facilitators may delete it.
  await expect(colleague.getByRole('button', { name: 'Delete Evaluation Čakovec.pdf' })).toHaveCount(0);
  await colleagueContext.close();

  await page.goto(address);
  await page.getByRole('button', { name: 'Delete Evaluation Čakovec.pdf' }).click();
  await expect(page.getByText('No documents shared yet.')).toBeVisible();
  await page.goto(address);
  await expect(page.locator('.feed')).not.toContainText('Evaluation Čakovec.pdf');
});

test('a facilitator pins a discussion and deletes a post; a withdrawn link lets nobody in; the owner renames the workspace and hands it over', async ({ page, browser }, info) => {
  await signUp(page, 'Petra Pinner', uniqueEmail(info, 'ws-pin-owner'));
  const [name, address] = await createWorkspace(page, 'Pilot board', info);
  for (const subject of ['Older question', 'Newer question']) {
    await page.goto(address);
    await page.getByLabel('Subject').fill(subject);
    await page.getByLabel('Your text').fill(`Thoughts on the ${subject.toLowerCase()}?`);
    await page.getByRole('button', { name: 'Start the discussion' }).click();
    await expect(page.getByRole('heading', { level: 1, name: subject })).toBeVisible();
  }

  // The older discussion is pinned above the newer one; its opening post is deleted.
  await page.goto(address);
  await expect(page.locator('.threads li').first()).toContainText('Newer question');
  const older = await page.locator('.threads').getByRole('link', { name: 'Older question' }).getAttribute('href');
  await page.goto(older!);
  await page.getByRole('button', { name: 'Pin to the top' }).click();
  await expect(page.getByRole('button', { name: 'Unpin' })).toBeVisible();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByText('This post was deleted.')).toBeVisible();
  await page.goto(address);
  const first = page.locator('.threads li').first();
  await expect(first).toContainText('Older question');
  await expect(first.getByText('pinned', { exact: true })).toBeVisible();

  // A link withdrawn lets nobody in, and says why.
  await page.getByRole('button', { name: 'Make a link' }).click();
  const withdrawn = await page.getByLabel('Your new invitation link', { exact: false }).inputValue();
  await page.getByRole('button', { name: 'Withdraw' }).click();
  await expect(page.getByRole('button', { name: 'Withdraw' })).toHaveCount(0);
  const lateContext = await browser.newContext({ viewport: page.viewportSize() });
  const late = await lateContext.newPage();
  await signUp(late, 'Lea Late', uniqueEmail(info, 'ws-withdrawn'));
  await late.goto(new URL(withdrawn).pathname);
  await expect(late.getByText('This invitation link was withdrawn.', { exact: false })).toBeVisible();
  await lateContext.close();

  // The owner renames the workspace, then hands it to a colleague and stays on as a facilitator.
  await page.goto(address);
  await page.getByText('Workspace settings').click();
  const renamed = `${name} (pilots)`;
  await page.getByLabel('Name', { exact: true }).fill(renamed);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { level: 1, name: renamed })).toBeVisible();
  const { context } = await colleagueJoins(page, browser, renamed, 'Hana Heir', uniqueEmail(info, 'ws-heir'));
  await page.goto(address);
  await page.getByLabel('New owner (you stay on as a facilitator)').selectOption({ label: 'Hana Heir' });
  await page.getByRole('button', { name: 'Hand over' }).click();
  await expect(page.getByText('your role: facilitator')).toBeVisible();
  await expectAccessible(page);
  await context.close();
});


test('a facilitator invites a colleague by their account and withdraws the invitation; a long discussion reads fifty posts a page', async ({ page, browser, baseURL }, info) => {
  await signUp(page, 'Lena Facilitator', uniqueEmail(info, 'ws-invite-owner'));
  const [name, address] = await createWorkspace(page, 'Indicators', info);

  // A colleague who has an account is invited by their e-mail and finds the invitation.
  const context = await browser.newContext({ viewport: page.viewportSize() });
  const colleague = await context.newPage();
  const colleagueEmail = uniqueEmail(info, 'ws-invitee');
  await signUp(colleague, 'Nika Invitee', colleagueEmail);
  await page.getByLabel('E-mail', { exact: true }).fill(colleagueEmail);
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  await expect(page.locator('.members li', { hasText: 'Nika Invitee' })).toContainText('invited as member');
  await colleague.goto('/workspaces');
  await expect(colleague.getByRole('heading', { name: 'Your invitations' })).toBeVisible();
  await expect(colleague.locator('.cards li', { hasText: 'invited as member' }).filter({ hasText: name })).toHaveCount(1);

  // Withdrawn, it is gone from both sides.
  await page.getByRole('button', { name: 'Withdraw the invitation' }).click();
  await expect(page.getByRole('button', { name: 'Withdraw the invitation' })).toHaveCount(0);
  await expectAccessible(page);
  await colleague.reload();
  await expect(colleague.getByRole('heading', { name: 'Your invitations' })).toHaveCount(0);
  await context.close();

  // A discussion of 51 posts (the replies written through the reply's server function, as
  // the page sends them): its page shows the first fifty and leads on to the rest.
  await page.goto(address);
  await page.getByLabel('Subject').fill('One indicator per objective?');
  await page.getByLabel('Your text').fill('Post 0');
  await page.getByRole('button', { name: 'Start the discussion' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'One indicator per objective?' })).toBeVisible();
  const thread = new URL(page.url()).pathname;
  const threadId = thread.split('/threads/')[1];
  for (let i = 1; i <= 50; i++) {
    const res = await page.request.post('/api/workspace/reply', { form: { thread_id: threadId, body: `Post ${i}` }, headers: { origin: baseURL! } });
    expect(res.status(), await res.text()).toBe(200);
  }
  await page.goto(thread);
  await expect(page.locator('.post-body')).toHaveCount(50);
  await expect(page.locator('.post-body').first()).toHaveText('Post 0');
  await expect(page.locator('.post-body').last()).toHaveText('Post 49');
  await page.getByRole('link', { name: 'Later posts' }).click();
  await expect(page.locator('.post-body')).toHaveCount(1);
  await expect(page.locator('.post-body')).toHaveText('Post 50');
  await expect(page.getByRole('link', { name: 'Later posts' })).toHaveCount(0);
  await expectAccessible(page);
});
