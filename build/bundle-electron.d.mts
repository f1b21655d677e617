/** Bundles electron/ into dist/electron/{main.cjs,preload.cjs,engine.cjs}. */
/** outDir: absolute, or relative to the repository root (default dist/electron) */
export function bundleElectron(opts?: { minify?: boolean; outDir?: string }): Promise<void>;
