// Electronegativity-style static check over electron/ and renderer/: no high or medium finding.
// The checker is proven on planted insecure code first, so a silent checker cannot pass.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHtml, checkSources, projectSources } from './staticCheck';

const root = join(import.meta.dirname, '..', '..');

describe('static security check (electron/ and renderer/)', () => {
  it('finds planted insecure code', () => {
    const main = `
      import { BrowserWindow, ipcMain, shell } from 'electron';
      const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });
      w.loadURL('https://example.org/');
      ipcMain.on('x', (e, url) => shell.openExternal(url));
      ipcMain.handle('y', () => eval('1'));
      setTimeout('alert(1)', 1);
    `;
    const preload = `
      import { contextBridge, ipcRenderer } from 'electron';
      contextBridge.exposeInMainWorld('api', { ipc: ipcRenderer, send: (c, d) => ipcRenderer.send(c, d) });
    `;
    const renderer = `
      export const A = () => <div dangerouslySetInnerHTML={{ __html: x }}><webview src="https://x" allowpopups="true" /><a href="javascript:alert(1)">x</a><img src="https://tracker.example/p.gif" /></div>;
      document.body.innerHTML = x;
      const f = new Function('return 1');
    `;
    const findings = checkSources({ files: [{ name: 'main.ts', text: main, role: 'main' }, { name: 'preload.ts', text: preload, role: 'preload' }, { name: 'r.tsx', text: renderer, role: 'renderer' }] });
    const rules = new Set(findings.map((f) => f.rule));
    for (const r of [
      'nodeIntegration-true', 'contextIsolation-false', 'sandbox-false', 'webSecurity-false', 'window-without-secure-preferences', 'load-remote-or-file-url',
      'unchecked-open-external', 'ipc-sender-not-validated', 'eval', 'string-timer', 'ipc-renderer-exposed', 'dynamic-ipc-channel',
      'dangerously-set-inner-html', 'webview-tag', 'webview-allowpopups', 'javascript-url', 'remote-content', 'inner-html', 'new-function',
      'permission-request-handler', 'navigation-guard', 'window-open-handler', 'csp-headers',
    ]) {
      expect(rules, r).toContain(r);
    }
    expect(checkHtml('x.html', '<script>alert(1)</script><script src="https://cdn.example/x.js"></script><body onload="x()">').map((f) => f.rule).sort()).toEqual(['inline-event-handler', 'inline-script', 'remote-script']);
  });

  it('has no high or medium finding in the real code', () => {
    const input = projectSources(root);
    expect(input.files.filter((f) => f.role === 'main').length).toBeGreaterThan(3);
    expect(input.files.filter((f) => f.role === 'preload')).toHaveLength(1);
    const findings = checkSources(input);
    for (const html of [join(root, 'renderer', 'index.html'), join(root, 'dist', 'renderer', 'index.html')]) {
      if (existsSync(html)) findings.push(...checkHtml(html.slice(root.length + 1), readFileSync(html, 'utf8')));
    }
    const serious = findings.filter((f) => f.severity !== 'low');
    const low = findings.filter((f) => f.severity === 'low');
    if (low.length) console.log(`static check: ${low.length} low finding(s):\n` + low.map((f) => `  ${f.rule} ${f.file}:${f.line} ${f.text}`).join('\n'));
    expect(serious, serious.map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line} ${f.text}`).join('\n')).toEqual([]);
  });
});
