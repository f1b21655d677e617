/** Puts a file into the composer as a user would: dragged from the file manager (drop) or pasted from the clipboard. */
import type { JSHandle, Page } from 'playwright-core';

function dataTransfer(p: Page, name: string, mime: string, bytes: Buffer): Promise<JSHandle<DataTransfer>> {
  return p.evaluateHandle(
    ([n, m, b64]) => {
      const bin = atob(b64);
      const u = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
      const d = new DataTransfer();
      d.items.add(new File([u], n, { type: m }));
      return d;
    },
    [name, mime, bytes.toString('base64')] as const,
  );
}

const composer = (p: Page) => p.getByTestId('chat').getByRole('textbox', { name: /^Message to/ });

export async function dropFile(p: Page, name: string, mime: string, bytes: Buffer): Promise<void> {
  await composer(p).dispatchEvent('drop', { dataTransfer: await dataTransfer(p, name, mime, bytes) });
}

export async function pasteFile(p: Page, name: string, mime: string, bytes: Buffer): Promise<void> {
  const dt = await dataTransfer(p, name, mime, bytes);
  await composer(p).evaluate((el, clipboardData) => el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true })), dt);
}
