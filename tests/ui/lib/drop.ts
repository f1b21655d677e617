/** Drops a file on the composer as a user dragging it from the file manager would (a DragEvent with a DataTransfer). */
import type { Page } from 'playwright-core';

export async function dropFile(p: Page, name: string, mime: string, bytes: Buffer): Promise<void> {
  const dt = await p.evaluateHandle(
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
  await p.getByTestId('chat').getByRole('textbox', { name: /^Message to/ }).dispatchEvent('drop', { dataTransfer: dt });
}
