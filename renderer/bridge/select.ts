/** Picks the host bridge: the Electron preload's window.confab, else the web host's WebSocket. */
import { setBridge, type Bridge } from './api';
import { webBridgeFromLocation } from './web';

declare global {
  interface Window {
    confab?: Bridge;
  }
}

export function installBridge(): boolean {
  if (window.confab) {
    setBridge(window.confab);
    return true;
  }
  const web = webBridgeFromLocation(window.location);
  if (web) {
    setBridge(web);
    return true;
  }
  return false;
}
