// contract/ is compiled without DOM or Node types; these two timer functions exist in every host
// (Node, Electron preload, browsers). Declared here, module-local, so no global lib is needed.
export type TimerHandle = unknown;
declare const setTimeout: (fn: () => void, ms: number) => TimerHandle;
declare const clearTimeout: (h: TimerHandle) => void;
export const timers = {
  set: (fn: () => void, ms: number): TimerHandle => setTimeout(fn, ms),
  clear: (h: TimerHandle): void => clearTimeout(h),
};
