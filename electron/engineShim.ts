/**
 * Runs first inside the Electron utilityProcess that hosts the engine. engine/main.ts speaks the
 * contract over Node's child-process IPC (process.send / process.on('message')); a utilityProcess
 * has a MessagePort to its parent instead (process.parentPort). This shim maps one onto the other,
 * so the engine runs unchanged under Node (tests, web, CLI) and under Electron.
 */
interface ParentPortLike {
  on(event: 'message', fn: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const port = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (port && typeof process.send !== 'function') {
  Object.defineProperty(process, 'connected', { value: true, configurable: true, writable: true });
  (process as unknown as { send: (m: unknown) => boolean }).send = (m: unknown) => {
    port.postMessage(m);
    return true;
  };
  port.on('message', (e) => {
    process.emit('message' as never, e.data as never);
  });
}

export {};
