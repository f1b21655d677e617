/**
 * A shared file link (XEP-0066 OOB). Images are previewed only when they come from the user's own
 * server; from anyone else only after a click, so a preview never leaks the user's address.
 */
import { useState } from 'react';
import { openExternal } from '../../bridge/api';

const IMAGE = /\.(png|jpe?g|gif|webp|avif)(\?|$)/i;

export function Attachment({ url, ownDomain }: { url: string; ownDomain: string | null }) {
  const [shown, setShown] = useState(false);
  let host = '';
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    host = u.hostname.toLowerCase();
  } catch {
    return null;
  }
  const own = ownDomain !== null && (host === ownDomain || host.endsWith(`.${ownDomain}`));
  const isImage = IMAGE.test(url);
  return (
    <div className="attachment">
      <a href={url} rel="noopener noreferrer nofollow" onClick={(e) => { e.preventDefault(); openExternal(url); }}>
        {url}
      </a>
      {isImage && (own || shown ? (
        <img src={url} alt="Shared image" loading="lazy" referrerPolicy="no-referrer" />
      ) : (
        <button type="button" className="small" onClick={() => setShown(true)}>
          Show preview from {host}
        </button>
      ))}
    </div>
  );
}
