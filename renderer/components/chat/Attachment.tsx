/**
 * A shared file link (XEP-0066 OOB). Images are previewed only when they come from the user's own
 * server; from anyone else only after a click, so a preview never leaks the user's address.
 */
import { useState } from 'react';
import { openExternal } from '../../bridge/api';
import { hostOf, isOwnServerUrl, type OwnServer } from '../../lib/ownServer';

const IMAGE = /\.(png|jpe?g|gif|webp|avif)(\?|$)/i;

export function Attachment({ url, own }: { url: string; own: OwnServer }) {
  const [shown, setShown] = useState(false);
  const host = hostOf(url);
  if (!host) return null;
  const isImage = IMAGE.test(new URL(url).pathname);
  return (
    <div className="attachment" data-testid="attachment">
      <a href={url} rel="noopener noreferrer nofollow" onClick={(e) => { e.preventDefault(); openExternal(url); }}>
        {url}
      </a>
      {isImage && (isOwnServerUrl(url, own) || shown ? (
        <img src={url} alt="Shared image" referrerPolicy="no-referrer" data-testid="image-preview" />
      ) : (
        <button type="button" className="small" onClick={() => setShown(true)}>
          Show preview from {host}
        </button>
      ))}
    </div>
  );
}
