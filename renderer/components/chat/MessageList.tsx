/**
 * The chat history, virtualised: only the rows on screen (plus a small overscan) are in the DOM, and
 * only a bounded window of the history is loaded; reaching an edge loads the next page from the
 * archive. New messages keep the view at the bottom when it was there.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMessages } from '../../stores/messages';
import { fullTime } from '../../lib/time';
import { buildRows } from './rows';
import { MessageRow } from './MessageRow';
import type { OwnServer } from '../../lib/ownServer';

const EDGE_PX = 300;

export function MessageList({ conversationId, own }: { conversationId: string; own: OwnServer }) {
  const w = useMessages((s) => s.windows[conversationId]);
  const messages = w?.messages;
  const gaps = w?.gaps;
  const rows = useMemo(() => buildRows(messages ?? [], gaps ?? []), [messages, gaps]);
  const parentRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  /** the row at the top of the view before older messages were put in front, and its distance to the top */
  const anchor = useRef<{ key: string; delta: number } | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parentRef.current,
    estimateSize: (i) => (rows[i]?.type === 'msg' ? 52 : 34),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 8,
  });

  // first page, or jump to a message in context
  useEffect(() => {
    const s = useMessages.getState();
    if (!s.windows[conversationId]) void s.openLatest(conversationId);
  }, [conversationId]);

  // at the bottom (the live end), stay there as messages arrive and rows get measured
  const lastKey = rows[rows.length - 1]?.key;
  const total = virtualizer.getTotalSize();
  useLayoutEffect(() => {
    const el = parentRef.current;
    if (!el || w?.anchor || w?.hasAfter) return;
    if (atBottom.current) el.scrollTop = el.scrollHeight;
  }, [total, lastKey]);

  // older messages were put in front: keep the row that was at the top where it was
  useLayoutEffect(() => {
    const a = anchor.current;
    if (!a) return;
    anchor.current = null;
    const i = rows.findIndex((r) => r.key === a.key);
    const start = i >= 0 ? virtualizer.getOffsetForIndex(i, 'start')?.[0] : undefined;
    const el = parentRef.current;
    if (el && start !== undefined) el.scrollTop = Math.max(0, start + a.delta);
  }, [w?.prepended]);

  // still at an edge after a page came in (short pages, a fast scrollbar drag): fetch the next one
  useEffect(() => {
    const el = parentRef.current;
    if (!el || !w || w.loading || w.anchor) return;
    if (el.scrollTop < EDGE_PX && w.hasBefore && w.messages.length > 0 && el.scrollHeight > el.clientHeight) loadOlderKeepingPlace();
  });

  useEffect(() => {
    const target = w?.anchor;
    if (!target) return;
    const i = rows.findIndex((r) => r.key === target);
    if (i >= 0) {
      atBottom.current = false;
      virtualizer.scrollToIndex(i, { align: 'center' });
      setHighlight(target);
      useMessages.getState().clearAnchor(conversationId);
    }
  }, [w?.anchor, rows]);

  function loadOlderKeepingPlace() {
    const el = parentRef.current;
    if (!el) return;
    const top = el.scrollTop;
    const first = virtualizer.getVirtualItems().find((vi) => vi.end > top);
    anchor.current = first ? { key: String(first.key), delta: top - first.start } : null;
    atBottom.current = false;
    void useMessages.getState().loadOlder(conversationId);
  }

  const onScroll = useCallback(() => {
    const el = parentRef.current;
    if (!el || !w) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40 && !w.hasAfter;
    const s = useMessages.getState();
    if (el.scrollTop < EDGE_PX && w.hasBefore && !w.loading) {
      loadOlderKeepingPlace();
    } else if (el.scrollHeight - el.scrollTop - el.clientHeight < EDGE_PX && w.hasAfter && !w.loading) {
      void s.loadNewer(conversationId);
    }
  }, [w, conversationId, virtualizer]);

  if (!w) return <div className="messages" role="status">Loading…</div>;
  const items = virtualizer.getVirtualItems();
  return (
    <div ref={parentRef} className="messages" onScroll={onScroll} role="log" aria-label="Messages" aria-live="polite" tabIndex={0} data-testid="message-list">
      <div className="loading-older" role="status">
        {w.hasBefore && w.loading ? 'Loading older messages…' : ''}
      </div>
      {!w.hasBefore && rows.length > 0 && <div className="history-start muted">Beginning of the history</div>}
      {rows.length === 0 && !w.loading && <p className="muted center">No messages yet.</p>}
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {items.map((vi) => {
          const row = rows[vi.index];
          if (!row) return null;
          return (
            <div key={vi.key} data-index={vi.index} ref={virtualizer.measureElement} className="vrow" style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${vi.start}px)` }}>
              {row.type === 'day' && (
                <div className="day-sep" role="separator" aria-label={row.label}>
                  <span>{row.label}</span>
                </div>
              )}
              {row.type === 'gap' && (
                <div className="gap" role="note" data-testid="gap">
                  Some messages between {fullTime(row.gap.from)} and {fullTime(row.gap.to)} could not be fetched from the server ({row.gap.reason}).
                </div>
              )}
              {row.type === 'msg' && <MessageRow m={row.m} highlighted={row.m.id === highlight} own={own} />}
            </div>
          );
        })}
      </div>
      {w.hasAfter && (
        <button
          type="button"
          className="jump-latest"
          onClick={() => {
            atBottom.current = true;
            void useMessages.getState().openLatest(conversationId);
          }}
        >
          Jump to the newest messages
        </button>
      )}
    </div>
  );
}
