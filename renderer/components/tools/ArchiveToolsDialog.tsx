/**
 * Archive tools: import old logs, export with a manifest, retention and legal hold, keyword watches.
 * One dialog, four tabs (WAI-ARIA tabs: arrow keys move between them, Tab goes into the panel).
 */
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { Dialog } from '../common/Dialog';
import { ExportPanel } from './ExportPanel';
import { ImportPanel } from './ImportPanel';
import { RetentionPanel } from './RetentionPanel';
import { WatchesPanel } from './WatchesPanel';

const TABS = [
  { id: 'import', label: 'Import logs', Panel: ImportPanel },
  { id: 'export', label: 'Export', Panel: ExportPanel },
  { id: 'retention', label: 'Retention', Panel: RetentionPanel },
  { id: 'watches', label: 'Keyword watches', Panel: WatchesPanel },
] as const;

export type ArchiveTab = (typeof TABS)[number]['id'];

export function ArchiveToolsDialog({ onClose, initial = 'import' }: { onClose: () => void; initial?: ArchiveTab }) {
  const [tab, setTab] = useState<ArchiveTab>(initial);
  const base = useId();
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    const next = step ? (i + step + TABS.length) % TABS.length : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    const t = TABS[next]!;
    setTab(t.id);
    refs.current[t.id]?.focus();
  };
  const current = TABS.find((t) => t.id === tab)!;
  return (
    <Dialog title="Archive tools" onClose={onClose} wide testId="archive-tools">
      <div className="tabs" role="tablist" aria-label="Archive tools" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${t.id}`}
            aria-selected={t.id === tab}
            aria-controls={`${base}-panel`}
            tabIndex={t.id === tab ? 0 : -1}
            className={t.id === tab ? 'tab active' : 'tab'}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${tab}`} className="tab-panel">
        <current.Panel />
      </div>
    </Dialog>
  );
}
