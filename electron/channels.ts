/** The only IPC channels between the Confab window and the main process. */
export const CHANNELS = {
  /** renderer → main: contract request frames */
  request: 'confab:req',
  /** main → renderer: contract response and event frames */
  frame: 'confab:frame',
  /** renderer → main: open a link outside (main checks the allow-list again) */
  openExternal: 'confab:open-external',
  /** renderer → main: show the engine's notification for this message id */
  notify: 'confab:notify',
  /** main → renderer: the user clicked the notification of this message id */
  notifyClick: 'confab:notify-click',
  /** main → renderer: the engine process is up (true) or gone (false) */
  connection: 'confab:connection',
} as const;

/** the channels the renderer may send on; main listens to nothing else */
export const RENDERER_TO_MAIN: readonly string[] = [CHANNELS.request, CHANNELS.openExternal, CHANNELS.notify];
/** the channels the preload listens to */
export const MAIN_TO_RENDERER: readonly string[] = [CHANNELS.frame, CHANNELS.notifyClick, CHANNELS.connection];
