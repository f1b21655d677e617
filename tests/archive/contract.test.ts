/**
 * The archive commands' input rules, as every host applies them before the engine sees a request
 * (contract/server.ts validateRequest): paths absolute and without NUL, a legal hold needs a reason,
 * export scopes and formats from their lists.
 */
import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../contract/index';

const ok = (cmd: string, input: unknown) => validateRequest(cmd, input, { fromRenderer: true }).ok;

describe('archive commands: input validation', () => {
  it('import and export take absolute local paths only (POSIX or Windows), never NUL', () => {
    expect(ok('archive.import', { paths: ['/home/me/.purple/logs'] })).toBe(true);
    expect(ok('archive.import', { paths: ['C:\\Users\\me\\irclogs'] })).toBe(true);
    expect(ok('archive.import', { paths: ['\\\\server\\share\\logs'] })).toBe(true);
    expect(ok('archive.import', { paths: ['logs/irssi'] })).toBe(false);
    expect(ok('archive.import', { paths: ['~/logs'] })).toBe(false);
    expect(ok('archive.import', { paths: ['/tmp/a\u0000b'] })).toBe(false);
    expect(ok('archive.import', { paths: [] })).toBe(false);
    expect(ok('archive.export', { dir: './out', scope: { kind: 'all' } })).toBe(false);
    expect(ok('archive.export', { dir: '/tmp/out', scope: { kind: 'all' } })).toBe(true);
  });

  it('export scope and formats come from their lists; a legal hold needs a reason', () => {
    expect(ok('archive.export', { dir: '/tmp/o', scope: { kind: 'conversation', conversationId: '3' }, formats: ['html', 'jsonl'] })).toBe(true);
    expect(ok('archive.export', { dir: '/tmp/o', scope: { kind: 'search', query: '' } })).toBe(false);
    expect(ok('archive.export', { dir: '/tmp/o', scope: { kind: 'everything' } })).toBe(false);
    expect(ok('archive.export', { dir: '/tmp/o', scope: { kind: 'all' }, formats: ['pdf'] })).toBe(false);
    expect(ok('archive.holdSet', { on: true, reason: 'case 17' })).toBe(true);
    expect(ok('archive.holdSet', { on: true })).toBe(false);
    expect(ok('archive.holdSet', { on: false })).toBe(true);
    expect(ok('archive.retentionSet', { accountId: '1', days: 0 })).toBe(false);
    expect(ok('archive.retentionSet', { accountId: '1', days: null })).toBe(true);
  });
});
