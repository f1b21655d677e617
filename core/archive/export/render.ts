/**
 * Transcript renderers. Deterministic (same messages + title + createdAt → same bytes), so
 * `verify` can re-render them from the chained messages and say which line was changed.
 * Message text is always escaped in HTML: a transcript never carries markup from a message.
 */
import type { ExportMessage } from './types';

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function convKey(m: ExportMessage): string {
  return `${m.protocol}\u0000${m.account}\u0000${m.conversation}`;
}

function convLabel(m: ExportMessage): string {
  const name = m.conversationTitle && m.conversationTitle !== m.conversation ? `${m.conversationTitle} (${m.conversation})` : m.conversation;
  return `${m.conversationKind === 'room' ? 'room' : 'conversation with'} ${name} — ${m.protocol} account ${m.account}`;
}

function who(m: ExportMessage): string {
  return m.senderName || m.sender || '';
}

function textLine(m: ExportMessage): string {
  const t = isoSeconds(m.time);
  const body = m.retractedAt ? '(retracted)' : m.body;
  const edited = m.editedAt ? ' (edited)' : '';
  let head: string;
  if (m.kind === 'action') head = `[${t}] * ${who(m)} `;
  else if (m.kind === 'system' || !who(m)) head = `[${t}] -- `;
  else if (m.kind === 'notice') head = `[${t}] -${who(m)}- `;
  else head = `[${t}] <${who(m)}> `;
  const lines = body.split(/\r?\n/);
  return head + lines[0] + (lines.length > 1 ? '\n' + lines.slice(1).map((l) => '    ' + l).join('\n') : '') + edited;
}

/** plain text, line by line: one section per conversation, one line per message (continuations indented) */
export function* textLines(messages: ExportMessage[], title: string, createdAt: string): Generator<string> {
  yield* [`Confab export: ${title}`, `exported ${createdAt}, ${messages.length} messages, times in UTC`, ''];
  let cur = '';
  for (const m of messages) {
    if (convKey(m) !== cur) {
      cur = convKey(m);
      yield* ['', `== ${convLabel(m)} ==`];
    }
    yield textLine(m);
  }
}

export function renderText(messages: ExportMessage[], title: string, createdAt: string): string {
  return [...textLines(messages, title, createdAt)].join('\n') + '\n';
}

/** a readable, self-contained HTML transcript, line by line; every message on its own line of the file */
export function* htmlLines(messages: ExportMessage[], title: string, createdAt: string): Generator<string> {
  yield* [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
    `<title>Confab export: ${escapeHtml(title)}</title>`,
    '<style>body{font:14px/1.45 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}' +
      'h2{font-size:1.05em;border-bottom:1px solid #ccc;margin-top:2em}time{color:#777;font-size:.85em;margin-right:.6em}' +
      '.who{font-weight:600;margin-right:.4em}.out .who{color:#16569e}.in .who{color:#a82f2f}.system{color:#666;font-style:italic}' +
      '.action{font-style:italic}.body{white-space:pre-wrap}</style>',
    '</head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>Exported ${escapeHtml(createdAt)} — ${messages.length} messages, times in UTC.</p>`,
  ];
  let cur = '';
  let open = false;
  for (const m of messages) {
    if (convKey(m) !== cur) {
      if (open) yield '</div>';
      cur = convKey(m);
      yield* [`<h2>${escapeHtml(convLabel(m))}</h2>`, '<div class="conv">'];
      open = true;
    }
    const t = isoSeconds(m.time);
    const body = m.retractedAt ? '(retracted)' : m.body;
    const cls = m.kind === 'system' ? 'system' : m.kind === 'action' ? `action ${m.direction}` : m.direction;
    const name = m.kind === 'system' ? '' : m.kind === 'action' ? `* ${who(m)}` : m.kind === 'notice' ? `-${who(m)}-` : who(m);
    yield (
      `<p class="msg ${cls}" id="m${m.id}"><time datetime="${new Date(m.time).toISOString()}">${t}</time>` +
        (name ? `<span class="who">${escapeHtml(name)}</span>` : '') +
        `<span class="body">${escapeHtml(body).replace(/\r?\n/g, '&#10;')}</span>${m.editedAt ? ' <em>(edited)</em>' : ''}</p>`
    );
  }
  if (open) yield '</div>';
  yield '</body></html>';
}

export function renderHtml(messages: ExportMessage[], title: string, createdAt: string): string {
  return [...htmlLines(messages, title, createdAt)].join('\n') + '\n';
}
