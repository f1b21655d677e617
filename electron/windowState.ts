/**
 * The main window's size and position, remembered between runs (userData/window-state.json) and
 * restored only where it is still visible: a monitor unplugged since must not leave the window
 * off-screen.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState extends Rect {
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1100, height: 720 };
export const MIN_SIZE = { width: 480, height: 360 };
/** how much of the title bar must lie on a display for the saved position to be used */
const MIN_VISIBLE = 64;

/** Parses the saved JSON defensively; anything odd gives null (→ defaults). */
export function parseWindowState(json: string | null | undefined): WindowState | null {
  if (!json) return null;
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const nums = ['x', 'y', 'width', 'height'].map((k) => o[k]);
  if (!nums.every((n) => typeof n === 'number' && Number.isFinite(n) && Math.abs(n) < 100_000)) return null;
  const [x, y, width, height] = nums as number[];
  if (width! < MIN_SIZE.width || height! < MIN_SIZE.height) return null;
  return { x: Math.round(x!), y: Math.round(y!), width: Math.round(width!), height: Math.round(height!), maximized: o.maximized === true };
}

function overlap(a: Rect, b: Rect): Rect {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const r = Math.min(a.x + a.width, b.x + b.width);
  const btm = Math.min(a.y + a.height, b.y + b.height);
  return { x, y, width: Math.max(0, r - x), height: Math.max(0, btm - y) };
}

/**
 * Bounds to open the window with: the saved ones when the title bar is on some display's work area
 * (shrunk to fit that display), else the default size centred by Electron (no x/y).
 */
export function restoreBounds(
  saved: WindowState | null,
  workAreas: readonly Rect[],
): { bounds: Partial<Rect> & { width: number; height: number }; maximized: boolean } {
  if (!saved) return { bounds: { ...DEFAULT_SIZE }, maximized: false };
  const titleBar: Rect = { x: saved.x, y: saved.y, width: saved.width, height: 32 };
  const area = workAreas.find((a) => {
    const o = overlap(titleBar, a);
    return o.width >= Math.min(MIN_VISIBLE, saved.width) && o.height > 0;
  });
  if (!area) return { bounds: { width: Math.min(saved.width, DEFAULT_SIZE.width), height: Math.min(saved.height, DEFAULT_SIZE.height) }, maximized: saved.maximized };
  const width = Math.min(saved.width, area.width);
  const height = Math.min(saved.height, area.height);
  const x = Math.min(Math.max(saved.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(saved.y, area.y), area.y + area.height - height);
  return { bounds: { x, y, width, height }, maximized: saved.maximized };
}
