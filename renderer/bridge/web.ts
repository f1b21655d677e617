/**
 * The contract over the web host's WebSocket, using the contract's own client (typed calls with
 * timeouts, batched events). The token comes from the page URL's fragment (never sent to a server)
 * and travels as a WebSocket sub-protocol.
 */
import { createContractClient, type Frame, type RequestFrame } from '../../contract';
import type { Bridge } from './api';

const PROTOCOL = 'confab.v1';

export function createWebBridge(wsUrl: string, token: string): Bridge {
  const ws = new WebSocket(wsUrl, [PROTOCOL, `token.${token}`]);
  const queue: RequestFrame[] = [];
  const connListeners = new Set<(up: boolean) => void>();
  const client = createContractClient(
    {
      send(frame) {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
        else if (ws.readyState === WebSocket.CONNECTING) queue.push(frame);
        else throw new Error('not connected to the Confab host');
      },
    },
    { timeoutMs: 20_000 },
  );
  ws.onopen = () => {
    for (const f of queue.splice(0)) ws.send(JSON.stringify(f));
    for (const fn of connListeners) fn(true);
  };
  ws.onclose = () => {
    client.close('the connection to the Confab host was lost');
    for (const fn of connListeners) fn(false);
  };
  ws.onmessage = (ev: MessageEvent) => {
    if (typeof ev.data !== 'string') return;
    let frame: Frame;
    try {
      frame = JSON.parse(ev.data) as Frame;
    } catch {
      return;
    }
    if (frame && (frame.t === 'res' || frame.t === 'evt')) client.receive(frame);
  };
  return {
    call: client.call,
    on: client.on,
    onBatch: client.onBatch,
    onConnection(fn) {
      connListeners.add(fn);
      return () => connListeners.delete(fn);
    },
  };
}

/** reads `#token=…` from the page URL and connects to the same host's /ws */
export function webBridgeFromLocation(loc: Location): Bridge | null {
  const m = /(?:^#|&)token=([0-9a-f]{16,128})/.exec(loc.hash);
  if (!m?.[1]) return null;
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return createWebBridge(`${scheme}//${loc.host}/ws`, m[1]);
}
