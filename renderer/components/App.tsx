/** Boot: connect to the host, ask the archive's state, then the first-run / unlock screen or the main window. */
import { useEffect, useState } from 'react';
import { useSession } from '../stores/session';
import { loadAll, wireEvents } from '../stores/events';
import { ArchiveScreen } from './archive/ArchiveScreen';
import { MainWindow } from './MainWindow';
import { errorText } from '../bridge/api';
import { reportIdle } from '../lib/idle';

export function App() {
  const archive = useSession((s) => s.archive);
  const hostUp = useSession((s) => s.hostUp);
  const [loaded, setLoaded] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    const off = wireEvents();
    void useSession.getState().refresh();
    return off;
  }, []);

  const unlocked = archive?.state === 'unlocked';
  useEffect(() => {
    if (!unlocked) return;
    loadAll()
      .then(() => setLoaded(true))
      .catch((e: unknown) => setLoadError(errorText(e)));
    return reportIdle();
  }, [unlocked]);

  let body;
  if (!archive) body = <main className="archive-screen"><p role="status">Connecting to Confab…</p></main>;
  else if (archive.state === 'none') body = <ArchiveScreen mode="create" />;
  else if (archive.state === 'locked') body = <ArchiveScreen mode="unlock" />;
  else if (loadError) body = <main className="archive-screen"><p className="error" role="alert">{loadError}</p></main>;
  else if (!loaded) body = <main className="archive-screen"><p role="status">Opening your archive…</p></main>;
  else body = <MainWindow />;

  return (
    <>
      {!hostUp && (
        <div className="banner error" role="alert">
          The connection to the Confab host was lost. Restart it and reload this page.
        </div>
      )}
      {body}
    </>
  );
}
