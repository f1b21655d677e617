// Entry of the engine bundle (dist/electron/engine.mjs) run in an Electron utilityProcess:
// the IPC shim first, then the engine's own composition root. ESM evaluates them in this order.
import './engineShim';
import '../engine/main';
