/**
 * The tray's status menu: Do Not Disturb for 30 minutes, 1 hour, until tomorrow (08:00 local), or off.
 * Pure: the menu model and the end times; main.ts turns it into an Electron Menu.
 */

export type DndChoice = '30m' | '1h' | 'tomorrow' | 'off';

export const DND_LABELS: Record<DndChoice, string> = {
  '30m': 'Do not disturb for 30 minutes',
  '1h': 'Do not disturb for 1 hour',
  tomorrow: 'Do not disturb until tomorrow',
  off: 'Turn off Do not disturb',
};

/** Tomorrow's morning hour that ends "until tomorrow". */
export const TOMORROW_HOUR = 8;

/** When the DND chosen at `now` ends (ms epoch), or null for off. Local time, DST-safe. */
export function dndUntil(choice: DndChoice, now: Date): number | null {
  switch (choice) {
    case '30m':
      return now.getTime() + 30 * 60_000;
    case '1h':
      return now.getTime() + 60 * 60_000;
    case 'tomorrow': {
      const t = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, TOMORROW_HOUR, 0, 0, 0);
      return t.getTime();
    }
    case 'off':
      return null;
  }
}

export interface TrayModel {
  tooltip: string;
  /** shown next to the icon where the platform supports a title (macOS) */
  title: string;
  items: Array<{ id: DndChoice; label: string; checked: boolean; enabled: boolean } | { id: 'separator' } | { id: 'show' | 'quit'; label: string }>;
}

/** The tray tooltip/title and menu for the current unread count and DND state. */
export function trayModel(unread: number, dndUntilMs: number | null, now: number): TrayModel {
  const active = dndUntilMs !== null && dndUntilMs > now;
  const unreadText = unread > 0 ? `${unread > 999 ? '999+' : unread} unread` : 'no unread messages';
  const dndText = active ? `, do not disturb until ${new Date(dndUntilMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}` : '';
  return {
    tooltip: `Confab — ${unreadText}${dndText}`,
    title: unread > 0 ? String(unread > 999 ? '999+' : unread) : '',
    items: [
      { id: 'show', label: unread > 0 ? `Show Confab (${unread > 999 ? '999+' : unread} unread)` : 'Show Confab' },
      { id: 'separator' },
      ...(['30m', '1h', 'tomorrow'] as const).map((id) => ({ id, label: DND_LABELS[id], checked: false, enabled: true })),
      { id: 'off', label: DND_LABELS.off, checked: !active, enabled: active },
      { id: 'separator' },
      { id: 'quit', label: 'Quit Confab' },
    ],
  };
}
