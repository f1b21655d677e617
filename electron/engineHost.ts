// Entry of the engine bundle (dist/electron/engine.cjs) run in an Electron utilityProcess:
// the IPC shim first, then the engine's own composition root (imports are evaluated in this order,
// also in the CommonJS bundle esbuild makes of them).
import './engineShim';
import '../engine/main';
