/** Files of this conversation on their way out: a progress bar each, Cancel, and the error when one failed. */
import { useShallow } from 'zustand/react/shallow';
import { useUploads, type Upload } from '../../stores/uploads';

const percent = (u: Upload) => Math.floor((u.sent / u.size) * 100);

export function UploadList({ conversationId }: { conversationId: string }) {
  const uploads = useUploads(useShallow((s) => s.uploads.filter((u) => u.conversationId === conversationId)));
  if (uploads.length === 0) return null;
  return (
    <ul className="uploads" aria-label="Files being shared">
      {uploads.map((u) => (
        <li key={u.key} className={`upload ${u.state}`} data-testid="upload" data-state={u.state}>
          <span className="name">{u.name}</span>
          {u.state === 'failed' ? (
            <>
              <span className="error" role="alert">
                Not shared: {u.error}
              </span>
              <button type="button" className="small" onClick={() => useUploads.getState().dismiss(u.key)} aria-label={`Dismiss ${u.name}`}>
                Dismiss
              </button>
            </>
          ) : (
            <>
              {/* no value while the engine uploads to the server: an indeterminate bar */}
              <progress max={u.size} {...(u.state === 'reading' ? { value: u.sent } : {})} aria-label={`Uploading ${u.name}`} />
              <span className="muted small-text" aria-live="polite">
                {u.state === 'reading' ? `${percent(u)} %` : 'uploading to the server…'}
              </span>
              <button type="button" className="small" onClick={() => useUploads.getState().cancel(u.key)} aria-label={`Cancel upload of ${u.name}`}>
                Cancel
              </button>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
