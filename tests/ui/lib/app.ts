/** What a user does in the Confab window, as Playwright steps (roles and names, as a screen reader sees them). */
import type { Locator, Page } from 'playwright-core';
import type { Browser } from './browser';

/** the unlocked main window in a new tab (`before`: routes or listeners set up before it loads) */
export async function openMainWindow(browser: Browser, url: string, before?: (page: Page) => unknown): Promise<Page> {
  const page = await browser.open(url, before);
  await page.getByRole('navigation', { name: 'Contacts and conversations' }).waitFor();
  return page;
}

export async function openAccountForm(page: Page, protocolName: string): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Contacts and conversations' });
  await nav.waitFor();
  await page.getByRole('button', { name: 'Accounts', exact: true }).click();
  await page.getByTestId('account-dialog').getByRole('button', { name: protocolName }).click();
}

/** fills the generated account form: labels come from the protocol descriptor's fields */
export async function addAccount(page: Page, protocolName: string, label: string, fields: Record<string, string | boolean>, advanced: Record<string, string | boolean> = {}): Promise<void> {
  await openAccountForm(page, protocolName);
  const form = page.getByTestId('account-dialog');
  await form.getByLabel('Name shown in Confab').fill(label);
  const fill = async (name: string, v: string | boolean) => {
    const el = form.getByLabel(name, { exact: true });
    if (typeof v === 'boolean') await el.setChecked(v);
    else await el.fill(v);
  };
  for (const [k, v] of Object.entries(fields)) await fill(k, v);
  if (Object.keys(advanced).length) {
    await form.getByText('Advanced', { exact: true }).click();
    for (const [k, v] of Object.entries(advanced)) await fill(k, v);
  }
  await form.getByRole('button', { name: 'Add account' }).click();
  await form.getByRole('heading', { name: 'Accounts' }).waitFor();
  await form.getByRole('button', { name: 'Close' }).click();
}

export function accountLine(page: Page, label: string): Locator {
  return page.getByTestId('account-line').filter({ hasText: label });
}

export async function waitAccountState(page: Page, label: string, state: string): Promise<void> {
  await page.locator(`[data-testid="account-line"][data-state="${state}"]`).filter({ hasText: label }).waitFor();
}

export function conversationRow(page: Page, titlePart: string): Locator {
  return page.getByTestId('conversation').filter({ hasText: titlePart });
}

export async function unreadOf(page: Page, titlePart: string): Promise<number> {
  const badge = conversationRow(page, titlePart).getByTestId('unread-badge');
  if ((await badge.count()) === 0) return 0;
  return Number(await badge.getAttribute('data-count'));
}

/** waits until the conversation shows at least `n` unread */
export async function waitUnread(page: Page, titlePart: string, n: number): Promise<void> {
  await page.waitForFunction(
    ([t, min]) => {
      const rows = Array.from(document.querySelectorAll('[data-testid="conversation"]')).filter((r) => r.textContent?.includes(t as string));
      return rows.some((r) => Number(r.querySelector('[data-testid="unread-badge"]')?.getAttribute('data-count') ?? 0) >= (min as number));
    },
    [titlePart, n] as const,
  );
}

export async function openConversation(page: Page, titlePart: string): Promise<void> {
  await conversationRow(page, titlePart).getByRole('button').first().click();
  await page.getByTestId('chat').waitFor();
}

export async function sendFromComposer(page: Page, text: string): Promise<void> {
  const box = page.getByTestId('chat').getByRole('textbox', { name: /^Message to/ });
  await box.fill(text);
  await box.press('Enter');
}

export function messageWithText(page: Page, text: string): Locator {
  return page.getByTestId('message').filter({ hasText: text });
}

export async function setStatusMenu(page: Page, item: string): Promise<void> {
  await page.getByTestId('status-button').click();
  await page.getByTestId('status-popover').getByRole('button', { name: item }).click();
}
