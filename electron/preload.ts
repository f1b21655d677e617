/**
 * The preload of the Confab window (sandboxed, context-isolated). It exposes exactly one object,
 * window.confab: the contract's client (call / on / onBatch) plus three host services the renderer
 * knows (openExternal, notify, onConnection). No ipcRenderer, no Node, no generic send: every
 * message goes on one of the fixed channels in channels.ts, and main validates each again.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createContractClient, type Frame } from '../contract/index';
import type { NotificationDTO } from '../contract/dto';
import { CHANNELS } from './channels';

const client = createContractClient({
  send(frame) {
    ipcRenderer.send(CHANNELS.request, frame);
  },
});

ipcRenderer.on(CHANNELS.frame, (_e, frame: Frame) => {
  if (frame && typeof frame === 'object' && (frame.t === 'res' || frame.t === 'evt')) client.receive(frame);
});

const clickHandlers = new Map<string, () => void>();
ipcRenderer.on(CHANNELS.notifyClick, (_e, messageId: unknown) => {
  if (typeof messageId !== 'string') return;
  const fn = clickHandlers.get(messageId);
  clickHandlers.delete(messageId);
  try {
    fn?.();
  } catch {
    // a failing UI callback must not break the preload
  }
});

const connectionListeners = new Set<(up: boolean) => void>();
ipcRenderer.on(CHANNELS.connection, (_e, up: unknown) => {
  for (const fn of [...connectionListeners]) {
    try {
      fn(up === true);
    } catch {
      // ignore
    }
  }
});

const api = {
  call: (cmd: Parameters<typeof client.call>[0], input: Parameters<typeof client.call>[1]) => client.call(cmd, input),
  on: (event: Parameters<typeof client.on>[0], fn: Parameters<typeof client.on>[1]) => client.on(event, fn),
  onBatch: (fn: Parameters<typeof client.onBatch>[0]) => client.onBatch(fn),
  openExternal(url: string) {
    if (typeof url === 'string' && url.length <= 4096) ipcRenderer.send(CHANNELS.openExternal, url);
  },
  notify(n: NotificationDTO, onClick: () => void) {
    if (!n || typeof n.messageId !== 'string') return;
    if (typeof onClick === 'function') {
      clickHandlers.set(n.messageId, onClick);
      // keep the map small: the oldest handlers go first
      if (clickHandlers.size > 200) clickHandlers.delete(clickHandlers.keys().next().value as string);
    }
    ipcRenderer.send(CHANNELS.notify, n.messageId);
  },
  onConnection(fn: (up: boolean) => void) {
    connectionListeners.add(fn);
    return () => void connectionListeners.delete(fn);
  },
};

contextBridge.exposeInMainWorld('confab', api);
