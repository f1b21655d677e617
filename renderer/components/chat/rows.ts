/** The chat list's rows: day separators, gap markers and messages, in time order. */
import type { GapDTO, MessageDTO } from '../../../contract';
import { dayLabel, sameDay } from '../../lib/time';

const dayKey = (t: number) => {
  const d = new Date(t);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
};

export type Row =
  | { type: 'day'; key: string; label: string }
  | { type: 'gap'; key: string; gap: GapDTO }
  | { type: 'msg'; key: string; m: MessageDTO };

export function buildRows(messages: MessageDTO[], gaps: GapDTO[]): Row[] {
  const rows: Row[] = [];
  const pending = [...gaps].sort((a, b) => a.from - b.from);
  let prev: MessageDTO | undefined;
  for (const m of messages) {
    while (pending.length && pending[0]!.from < m.time) {
      const g = pending.shift()!;
      if (prev && g.to < prev.time) continue; // belongs before the loaded window
      rows.push({ type: 'gap', key: `gap:${g.from}:${g.to}`, gap: g });
    }
    if (!prev || !sameDay(prev.time, m.time)) rows.push({ type: 'day', key: `day:${dayKey(m.time)}`, label: dayLabel(m.time) });
    rows.push({ type: 'msg', key: m.id, m });
    prev = m;
  }
  for (const g of pending) if (!prev || g.from >= prev.time) rows.push({ type: 'gap', key: `gap:${g.from}:${g.to}`, gap: g });
  return rows;
}
