/**
 * A pass-through route for the page's WebSocket to the web host (Playwright routeWebSocket): it
 * records the commands the page sends and can hold frames back in either direction until released,
 * so a test can look at an in-between state (an upload in flight, a job still running) without
 * depending on timing.
 */
import type { Page, WebSocketRoute } from 'playwright-core';

type Hold = (frame: string) => boolean;

export interface ConfabSocket {
  /** command names the page sent, in order */
  sent: string[];
  /** frames for the host that match are kept back from now on */
  holdToHost(match: Hold): void;
  /** frames for the page that match are kept back from now on */
  holdToPage(match: Hold): void;
  /** how many frames are held in each direction */
  held(): { toHost: number; toPage: number };
  /** stop holding, and deliver what was held in order */
  release(): void;
}

export async function routeConfabSocket(page: Page): Promise<ConfabSocket> {
  let host: WebSocketRoute | null = null;
  let pageSide: WebSocketRoute | null = null;
  let toHostMatch: Hold | null = null;
  let toPageMatch: Hold | null = null;
  const toHost: string[] = [];
  const toPage: string[] = [];
  const sent: string[] = [];
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    host = server;
    pageSide = ws;
    ws.onMessage((msg) => {
      const text = String(msg);
      sent.push(/"cmd":"([^"]+)"/.exec(text)?.[1] ?? '');
      if (toHostMatch?.(text)) toHost.push(text);
      else server.send(msg);
    });
    server.onMessage((msg) => {
      const text = String(msg);
      if (toPageMatch?.(text)) toPage.push(text);
      else ws.send(msg);
    });
  });
  return {
    sent,
    holdToHost: (m) => void (toHostMatch = m),
    holdToPage: (m) => void (toPageMatch = m),
    held: () => ({ toHost: toHost.length, toPage: toPage.length }),
    release() {
      toHostMatch = null;
      toPageMatch = null;
      for (const f of toHost.splice(0)) host?.send(f);
      for (const f of toPage.splice(0)) pageSide?.send(f);
    },
  };
}
