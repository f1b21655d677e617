/**
 * A static security check of the desktop host and the renderer, in the spirit of Doyensec's
 * Electronegativity, written against this code base with the TypeScript compiler API (which parses
 * our TS/TSX exactly, where Electronegativity's bundled parser lags behind). Each finding has a
 * severity; the test fails on any high or medium finding.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export type Severity = 'high' | 'medium' | 'low';
export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  text: string;
}

/** webPreferences that must never be set to these values */
const DANGEROUS_PREFS: Record<string, string> = {
  nodeIntegration: 'true',
  nodeIntegrationInWorker: 'true',
  nodeIntegrationInSubFrames: 'true',
  contextIsolation: 'false',
  sandbox: 'false',
  webSecurity: 'false',
  allowRunningInsecureContent: 'true',
  experimentalFeatures: 'true',
  webviewTag: 'true',
  bypassCSP: 'true',
};

export function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (e === 'node_modules' || e.startsWith('.')) continue;
    if (statSync(p).isDirectory()) out.push(...listSources(p));
    else if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(e) && !e.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

export interface CheckInput {
  /** file name (for reports) and its text */
  files: Array<{ name: string; text: string; role: 'main' | 'preload' | 'renderer' | 'other' }>;
}

export function checkSources(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  const mainText = input.files.filter((f) => f.role === 'main').map((f) => f.text).join('\n');

  for (const f of input.files) {
    const sf = ts.createSourceFile(f.name, f.text, ts.ScriptTarget.Latest, true, f.name.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const add = (rule: string, severity: Severity, node: ts.Node) =>
      findings.push({ rule, severity, file: f.name, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: node.getText(sf).slice(0, 120) });

    const visit = (node: ts.Node): void => {
      // dangerous webPreferences / scheme privileges
      if (ts.isPropertyAssignment(node)) {
        const name = node.name.getText(sf).replace(/['"]/g, '');
        const bad = DANGEROUS_PREFS[name];
        if (bad && node.initializer.getText(sf) === bad) add(`${name}-${bad}`, 'high', node);
        if (name === 'enableBlinkFeatures') add('enable-blink-features', 'medium', node);
        if (name === 'preload' && ts.isStringLiteral(node.initializer) && /^https?:/.test(node.initializer.text)) add('remote-preload', 'high', node);
      }
      // eval and friends
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(sf);
        if (callee === 'eval' || callee === 'window.eval' || callee === 'globalThis.eval') add('eval', 'high', node);
        if (/(^|\.)(setTimeout|setInterval)$/.test(callee) && node.arguments[0] && (ts.isStringLiteral(node.arguments[0]) || ts.isTemplateExpression(node.arguments[0]))) add('string-timer', 'high', node);
        if (/(^|\.)document\.write(ln)?$/.test(callee)) add('document-write', 'high', node);
        if (/(^|\.)insertAdjacentHTML$/.test(callee)) add('insert-adjacent-html', 'high', node);
        if (/(^|\.)executeJavaScript$/.test(callee)) add('execute-javascript', 'medium', node);
        if (/(^|\.)insertCSS$/.test(callee)) add('insert-css', 'low', node);
        if (/(^|\.)(loadURL)$/.test(callee)) {
          const a = node.arguments[0];
          if (a && (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a)) && /^(https?|file):/i.test(a.text)) add('load-remote-or-file-url', 'high', node);
        }
        if (/(^|\.)openExternal$/.test(callee) && f.role !== 'renderer') {
          // every openExternal must sit under a check of the allow-list
          let p: ts.Node | undefined = node.parent;
          let guarded = false;
          while (p && !guarded) {
            if (ts.isIfStatement(p) && /isAllowedExternalUrl|openExternally/.test(p.expression.getText(sf))) guarded = true;
            p = p.parent;
          }
          if (!guarded) add('unchecked-open-external', 'high', node);
        }
        if (/^ipcMain\.(on|once|handle|handleOnce)$/.test(callee)) {
          const handler = node.arguments[1];
          if (!handler || !/isTrustedSender\(|bridge\(/.test(handler.getText(sf))) add('ipc-sender-not-validated', 'high', node);
        }
        if (/^ipcRenderer\.(send|invoke|sendSync|postMessage)$/.test(callee)) {
          const ch = node.arguments[0];
          if (!ch || !/^CHANNELS\.[a-zA-Z]+$/.test(ch.getText(sf))) add('dynamic-ipc-channel', 'high', node);
          if (callee === 'ipcRenderer.sendSync') add('sync-ipc', 'medium', node);
        }
        if (/exposeInMainWorld$/.test(callee)) {
          const api = node.arguments[1];
          if (api && /\bipcRenderer\b(?!\.(send|on)\()/.test(api.getText(sf))) add('ipc-renderer-exposed', 'high', node);
        }
        if (/(^|\.)(setAsDefaultProtocolClient)$/.test(callee) && node.arguments[0] && ts.isStringLiteral(node.arguments[0]) && /^(https?|file)$/.test(node.arguments[0].text)) add('protocol-client-hijack', 'medium', node);
      }
      if (ts.isNewExpression(node)) {
        const callee = node.expression.getText(sf);
        if (callee === 'Function') add('new-function', 'high', node);
        if (/(^|\.)(BrowserWindow|BrowserView|WebContentsView)$/.test(callee)) {
          const opts = node.arguments?.[0]?.getText(sf) ?? '';
          if (!/webPreferences:\s*(\{\s*\.\.\.)?secureWebPreferences\(/.test(opts)) add('window-without-secure-preferences', 'high', node);
        }
      }
      // HTML injection
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const left = node.left.getText(sf);
        if (/\.(innerHTML|outerHTML)$/.test(left)) add('inner-html', 'high', node);
        if (/(^|\.)location(\.href)?$/.test(left) && f.role === 'renderer') add('renderer-navigation', 'medium', node);
      }
      if (ts.isJsxAttribute(node)) {
        const name = node.name.getText(sf);
        const val = node.initializer && ts.isStringLiteral(node.initializer) ? node.initializer.text : null;
        if (name === 'dangerouslySetInnerHTML') add('dangerously-set-inner-html', 'high', node);
        if (name === 'allowpopups' || name === 'nodeintegration' || name === 'disablewebsecurity') add(`webview-${name}`, 'high', node);
        if ((name === 'src' || name === 'href') && val && /^(https?:)?\/\//i.test(val)) add('remote-content', 'medium', node);
        if (name === 'href' && val && /^javascript:/i.test(val)) add('javascript-url', 'high', node);
        if (name === 'target' && val === '_blank') {
          const attrs = node.parent.getText(sf);
          if (!/rel=["'{][^"'}]*noopener/.test(attrs) && !/rel=["'{][^"'}]*noreferrer/.test(attrs)) add('blank-target-without-noopener', 'low', node);
        }
      }
      if (ts.isJsxOpeningElement(node) || ts.isJsxSelfClosingElement(node)) {
        const tag = node.tagName.getText(sf);
        if (tag === 'webview') add('webview-tag', 'high', node);
        if (tag === 'iframe' || tag === 'object' || tag === 'embed') add(`${tag}-element`, 'medium', node);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }

  // whole-host checks (the main process must install each guard)
  if (input.files.some((f) => f.role === 'main')) {
    const require = (rule: string, re: RegExp, severity: Severity) => {
      if (!re.test(mainText)) findings.push({ rule, severity, file: '(main process)', line: 0, text: `missing: ${re.source}` });
    };
    require('permission-request-handler', /setPermissionRequestHandler\(/, 'medium');
    require('permission-check-handler', /setPermissionCheckHandler\(/, 'medium');
    require('navigation-guard', /'will-navigate'/, 'high');
    require('redirect-guard', /'will-redirect'/, 'medium');
    require('window-open-handler', /setWindowOpenHandler\(/, 'high');
    require('webview-attach-guard', /'will-attach-webview'/, 'medium');
    require('csp-headers', /SECURITY_HEADERS/, 'medium');
    require('sandbox-everywhere', /app\.enableSandbox\(\)/, 'medium');
    require('single-instance', /requestSingleInstanceLock\(\)/, 'low');
    require('remote-content-blocked', /onBeforeRequest\(/, 'medium');
  }
  return findings;
}

/** The project's real sources: electron/ (main + preload) and renderer/. */
export function projectSources(root: string): CheckInput {
  const files: CheckInput['files'] = [];
  for (const p of listSources(join(root, 'electron'))) {
    const name = relative(root, p);
    files.push({ name, text: readFileSync(p, 'utf8'), role: /preload/.test(name) ? 'preload' : /engine(Host|Shim)/.test(name) ? 'other' : 'main' });
  }
  for (const p of listSources(join(root, 'renderer'))) files.push({ name: relative(root, p), text: readFileSync(p, 'utf8'), role: 'renderer' });
  return { files };
}

/** The HTML pages the renderer ships: no inline script, no remote script/style. */
export function checkHtml(name: string, html: string): Finding[] {
  const out: Finding[] = [];
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  for (const m of scripts) {
    const attrs = m[1] ?? '';
    if ((m[2] ?? '').trim().length > 0) out.push({ rule: 'inline-script', severity: 'high', file: name, line: 0, text: m[0].slice(0, 120) });
    if (/src=["']?(https?:)?\/\//i.test(attrs)) out.push({ rule: 'remote-script', severity: 'high', file: name, line: 0, text: m[0].slice(0, 120) });
  }
  for (const m of html.matchAll(/<link\b[^>]*href=["']?(https?:)?\/\/[^>]*>/gi)) out.push({ rule: 'remote-stylesheet', severity: 'medium', file: name, line: 0, text: m[0].slice(0, 120) });
  if (/\son[a-z]+\s*=/i.test(html)) out.push({ rule: 'inline-event-handler', severity: 'high', file: name, line: 0, text: 'on…= attribute' });
  return out;
}
