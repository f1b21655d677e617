/** "While you were busy": shown when Do Not Disturb ends. */
import { useConversations } from '../../stores/conversations';
import { useStatus } from '../../stores/status';

export function DigestBanner() {
  const digest = useStatus((s) => s.digest);
  if (!digest) return null;
  const close = () => useStatus.getState().showDigest(null);
  return (
    <section className="digest" aria-labelledby="digest-h" data-testid="digest">
      <header>
        <h2 id="digest-h">While you were busy</h2>
        <button type="button" className="icon" aria-label="Dismiss the digest" onClick={close}>
          ×
        </button>
      </header>
      <p>
        {digest.messages} {digest.messages === 1 ? 'message' : 'messages'}
        {digest.mentions ? `, ${digest.mentions} ${digest.mentions === 1 ? 'mention' : 'mentions'}` : ''}
      </p>
      <ul>
        {digest.from.map((f) => (
          <li key={f.conversationId + f.name}>
            <button
              type="button"
              className="link"
              onClick={() => {
                useConversations.getState().select(f.conversationId);
                close();
              }}
            >
              {f.name}: {f.messages} {f.messages === 1 ? 'message' : 'messages'}
              {f.mentions ? `, ${f.mentions} mentions` : ''}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
