export const ADDON: string;
export function electronAddonPath(electronVersion: string): string;
export function ensureElectronAddon(electronVersion: string, opts?: { force?: boolean }): Promise<string>;
