// Stand-in for modules a layer must not import (electron, react, …): tsconfig "paths" maps them here,
// so `import { app } from 'electron'` inside core/ fails to compile ("has no exported member").
// The import-boundary lint (eslint.config.js) reports the same with a clearer message.
export {};
