import { describe, expect, it } from 'vitest';
import { dndUntil, trayModel, TOMORROW_HOUR } from '../../electron/dnd';
import { parseWindowState, restoreBounds, DEFAULT_SIZE } from '../../electron/windowState';

describe('tray status menu', () => {
  const now = new Date(2026, 10, 28, 23, 15, 0);
  it('ends DND after 30 minutes, 1 hour, or tomorrow morning', () => {
    expect(dndUntil('30m', now)).toBe(now.getTime() + 30 * 60_000);
    expect(dndUntil('1h', now)).toBe(now.getTime() + 3_600_000);
    const t = new Date(dndUntil('tomorrow', now)!);
    expect([t.getFullYear(), t.getMonth(), t.getDate(), t.getHours(), t.getMinutes()]).toEqual([2026, 10, 29, TOMORROW_HOUR, 0]);
    expect(dndUntil('off', now)).toBeNull();
  });
  it('"until tomorrow" just after midnight still means the next day', () => {
    const early = new Date(2026, 11, 31, 0, 30);
    const t = new Date(dndUntil('tomorrow', early)!);
    expect([t.getFullYear(), t.getMonth(), t.getDate(), t.getHours()]).toEqual([2027, 0, 1, TOMORROW_HOUR]);
  });
  it('shows the unread count and whether DND is on', () => {
    const off = trayModel(0, null, now.getTime());
    expect(off.tooltip).toBe('Confab — no unread messages');
    expect(off.title).toBe('');
    expect(off.items.find((i) => i.id === 'off')).toMatchObject({ checked: true, enabled: false });
    const on = trayModel(5, now.getTime() + 60_000, now.getTime());
    expect(on.tooltip).toMatch(/^Confab — 5 unread, do not disturb until /);
    expect(on.title).toBe('5');
    expect(on.items.find((i) => i.id === 'off')).toMatchObject({ checked: false, enabled: true });
    expect(on.items.map((i) => i.id)).toEqual(['show', 'separator', '30m', '1h', 'tomorrow', 'off', 'separator', 'quit']);
    expect(trayModel(12345, null, 0).title).toBe('999+');
    // an expired DND shows as off
    expect(trayModel(0, now.getTime() - 1, now.getTime()).items.find((i) => i.id === 'off')).toMatchObject({ checked: true });
  });
});

describe('window size and position', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1050 }];
  it('restores a saved position that is on a display', () => {
    const saved = parseWindowState(JSON.stringify({ x: 100, y: 50, width: 900, height: 600, maximized: false }));
    expect(restoreBounds(saved, screen)).toEqual({ bounds: { x: 100, y: 50, width: 900, height: 600 }, maximized: false });
  });
  it('does not open off-screen after a monitor was unplugged', () => {
    const saved = parseWindowState(JSON.stringify({ x: 2500, y: 100, width: 900, height: 600, maximized: true }));
    const r = restoreBounds(saved, screen);
    expect(r.bounds.x).toBeUndefined();
    expect(r.bounds.y).toBeUndefined();
    expect(r.maximized).toBe(true);
  });
  it('shrinks and moves a window larger than the display onto it', () => {
    const saved = parseWindowState(JSON.stringify({ x: 1800, y: 10, width: 3000, height: 2000, maximized: false }));
    expect(restoreBounds(saved, screen).bounds).toEqual({ x: 0, y: 0, width: 1920, height: 1050 });
  });
  it('uses a second display', () => {
    const two = [...screen, { x: 1920, y: 0, width: 1280, height: 1000 }];
    const saved = parseWindowState(JSON.stringify({ x: 2000, y: 100, width: 800, height: 600, maximized: false }));
    expect(restoreBounds(saved, two).bounds).toEqual({ x: 2000, y: 100, width: 800, height: 600 });
  });
  it('falls back to defaults on a missing or damaged file', () => {
    for (const bad of [null, '', '{', '[]', '{"x":"1","y":0,"width":900,"height":600}', '{"x":0,"y":0,"width":10,"height":10}', '{"x":1e9,"y":0,"width":900,"height":600}']) {
      expect(restoreBounds(parseWindowState(bad), screen)).toEqual({ bounds: DEFAULT_SIZE, maximized: false });
    }
  });
});
