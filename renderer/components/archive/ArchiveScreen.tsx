/** First run: create the encrypted archive with a passphrase. Later runs: unlock it. */
import { useState, type FormEvent } from 'react';
import { useSession } from '../../stores/session';

export function ArchiveScreen({ mode }: { mode: 'create' | 'unlock' }) {
  const { busy, error } = useSession();
  const [pass, setPass] = useState('');
  const [again, setAgain] = useState('');
  const [local, setLocal] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setLocal(null);
    if (mode === 'create') {
      if (pass.length < 8) return setLocal('Use at least 8 characters.');
      if (pass !== again) return setLocal('The two passphrases differ.');
      await useSession.getState().create(pass);
    } else {
      const ok = await useSession.getState().unlock(pass);
      if (!ok) setPass('');
    }
  };

  const message = local ?? error;
  return (
    <main className="archive-screen">
      <form className="card" onSubmit={submit} aria-labelledby="archive-title">
        <h1 id="archive-title">{mode === 'create' ? 'Welcome to Confab' : 'Unlock Confab'}</h1>
        <p>
          {mode === 'create'
            ? 'Your accounts and your whole history are kept in one encrypted archive on this computer. Choose a passphrase to protect it. It cannot be recovered if you forget it.'
            : 'Enter the passphrase of your encrypted archive.'}
        </p>
        <div className="field">
          <label htmlFor="pass">Passphrase</label>
          <input id="pass" type="password" autoFocus autoComplete={mode === 'create' ? 'new-password' : 'current-password'} value={pass} onChange={(e) => setPass(e.target.value)} required />
        </div>
        {mode === 'create' && (
          <div className="field">
            <label htmlFor="pass2">Repeat passphrase</label>
            <input id="pass2" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required />
          </div>
        )}
        {message && (
          <p className="error" role="alert" data-testid="archive-error">
            {message}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Working…' : mode === 'create' ? 'Create archive' : 'Unlock'}
        </button>
      </form>
    </main>
  );
}
