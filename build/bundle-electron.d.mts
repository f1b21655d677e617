/** Bundles electron/ into dist/electron/{main.cjs,preload.cjs,engine.mjs}. */
export function bundleElectron(opts?: { minify?: boolean }): Promise<void>;
