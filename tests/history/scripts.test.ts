/**
 * Scripts written without spaces between words (Thai, Lao, Khmer, Myanmar): a word inside a run is
 * found, like CJK, because these scripts are indexed character by character (core/history/text.ts).
 * Before, unicode61 kept a run as one token or cut it at vowel and tone marks: words at the start
 * of a run were found, words inside it mostly not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteHistoryStore } from '../../core/history/store';
import { newStore } from './helpers';

let store: SqliteHistoryStore;
let remove: () => void;
const bodies: string[] = [];
beforeAll(() => {
  const s = newStore('scripts');
  store = s.store;
  remove = s.remove;
  const a = store.addAccount({ protocol: 'xmpp', label: 'w' });
  const c = store.ensureConversation(a.id, 'direct', 'somchai@example.org');
  bodies.push(
    'สวัสดีครับ พรุ่งนี้เจอกันที่สถานีรถไฟ', // Thai
    'ຂອບໃຈຫຼາຍໆ ມື້ອື່ນພົບກັນ', // Lao
    'ជំរាបសួរ ស្អែកជួបគ្នានៅស្ថានីយ៍រថភ្លើង', // Khmer
    'မင်္ဂလာပါ မနက်ဖြန်တွေ့မယ်', // Myanmar
    'train station tomorrow', // Latin, for mixed queries
  );
  bodies.forEach((body, i) => store.insertMessage({ accountId: a.id, conversationId: c.id, sender: 'somchai@example.org', body, direction: 'in', serverTime: Date.UTC(2024, 0, 1) + i * 1000 }));
});
afterAll(() => remove());

/** which of the bodies (0 Thai, 1 Lao, 2 Khmer, 3 Myanmar, 4 Latin) a search finds, newest first */
const bodiesOf = (q: string) => store.search(q).hits.map((h) => bodies.indexOf(h.message.body));

describe('scripts without spaces between words', () => {
  it('a word inside a run is found (Thai, Lao, Khmer, Myanmar), in order, and nothing else', () => {
    for (const q of ['สถานี', 'รถไฟ', 'พรุ่งนี้', 'ครับ', 'สถานีรถไฟ']) expect(bodiesOf(q), q).toEqual([0]);
    for (const q of ['ຂອບໃຈ', 'ພົບກັນ']) expect(bodiesOf(q), q).toEqual([1]);
    for (const q of ['ស្អែក', 'ស្ថានីយ៍']) expect(bodiesOf(q), q).toEqual([2]);
    expect(bodiesOf('မနက်ဖြန်')).toEqual([3]);
    expect(bodiesOf('ไฟรถ')).toEqual([]); // the characters must be adjacent and in order
    expect(bodiesOf('รถไฟ OR station')).toEqual([4, 0]);
  });

  it('tone and vowel marks are ignored like diacritics; snippets mark the original text', () => {
    expect(bodiesOf('สวสด')).toEqual([0]);
    expect(store.search('สถานี', { markers: ['[', ']'] }).hits[0]!.snippet).toBe('สวัสดีครับ พรุ่งนี้เจอกันที่[สถานี]รถไฟ');
    expect(store.verify()).toEqual({ ok: true, problems: [] });
  });
});
