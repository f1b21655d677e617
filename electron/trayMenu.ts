/**
 * The tray icon and the app badge: the unread total, the DND state and the tray's status menu.
 * Keeps the unread count per conversation and when DND ends, as the engine reports them; the menu
 * itself comes from the pure trayModel() of dnd.ts.
 */
import { app, Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import type { StatusDTO } from '../contract/dto';
import { dndUntil, trayModel, type DndChoice } from './dnd';
import type { EngineHandle } from './engineProcess';

export interface TrayDeps {
  icon: string;
  engine: () => EngineHandle | null;
  engineFailed: () => boolean;
  restartEngine: () => void;
  showWindow: () => void;
  quit: () => void;
  log: (msg: string, data?: Record<string, unknown>) => void;
}

export class TrayMenu {
  private tray: Tray | null = null;
  private readonly unread = new Map<string, number>();
  private dndEnd: number | null = null;

  constructor(private readonly deps: TrayDeps) {}

  /** false on desktops without a tray: closing the window then quits */
  get present(): boolean {
    return this.tray !== null;
  }

  create(): void {
    try {
      this.tray = new Tray(nativeImage.createFromPath(this.deps.icon).resize({ width: 22, height: 22 }));
      this.tray.on('click', () => this.deps.showWindow());
    } catch (err) {
      this.deps.log('no tray on this desktop', { err: String(err) });
    }
    this.update();
  }

  setUnread(conversationId: string, n: number): void {
    this.unread.set(conversationId, n);
  }
  forget(conversationId: string): void {
    this.unread.delete(conversationId);
  }
  resetUnread(list: Array<{ id: string; unread: number }>): void {
    this.unread.clear();
    for (const c of list) this.unread.set(c.id, c.unread);
  }
  setStatus(s: StatusDTO): void {
    this.dndEnd = s.dnd ? (s.dndUntil ?? Number.MAX_SAFE_INTEGER) : null;
  }

  update(): void {
    let count = 0;
    for (const v of this.unread.values()) count += v;
    app.setBadgeCount(count);
    const tray = this.tray;
    if (!tray) return;
    const model = trayModel(count, this.dndEnd, Date.now());
    tray.setToolTip(model.tooltip);
    if (process.platform === 'darwin') tray.setTitle(model.title);
    const failed = this.deps.engineFailed();
    const engineUp = !!this.deps.engine();
    const menu = Menu.buildFromTemplate([
      ...(failed ? [{ label: 'Restart the engine', click: () => this.deps.restartEngine() }, { type: 'separator' as const }] : []),
      ...model.items.map((i): MenuItemConstructorOptions => {
        if (!('label' in i)) return { type: 'separator' };
        if (i.id === 'show') return { label: i.label, click: (): void => this.deps.showWindow() };
        if (i.id === 'quit') return { label: i.label, click: (): void => this.deps.quit() };
        if (!('checked' in i)) return { type: 'separator' };
        const choice = i.id;
        return { label: i.label, type: choice === 'off' ? 'checkbox' : 'normal', checked: i.checked, enabled: i.enabled && engineUp, click: (): void => void this.setDnd(choice) };
      }),
    ]);
    tray.setContextMenu(menu);
  }

  private async setDnd(choice: DndChoice): Promise<void> {
    const h = this.deps.engine();
    if (!h) return;
    const until = dndUntil(choice, new Date());
    const r = until === null ? await h.call('status.dndOff', {}) : await h.call('status.dnd', { until });
    if (r.ok) {
      this.setStatus(r.value);
      this.update();
    }
  }
}
