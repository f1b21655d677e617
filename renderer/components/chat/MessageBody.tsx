/** Message text as React nodes: plain text, safe links (opened outside), monospace blocks. Never HTML. */
import { useMemo } from 'react';
import { openExternal } from '../../bridge/api';
import { parseBody, type Inline } from '../../lib/text';

export function InlineText({ parts }: { parts: Inline[] }) {
  return (
    <>
      {parts.map((p, i) =>
        p.kind === 'text' ? (
          <span key={i}>{p.text}</span>
        ) : (
          <a
            key={i}
            href={p.href}
            rel="noopener noreferrer nofollow"
            target="_blank"
            onClick={(e) => {
              e.preventDefault();
              openExternal(p.href);
            }}
          >
            {p.text}
          </a>
        ),
      )}
    </>
  );
}

export function MessageBody({ body }: { body: string }) {
  const blocks = useMemo(() => parseBody(body), [body]);
  return (
    <div className="body">
      {blocks.map((b, i) =>
        b.kind === 'code' ? (
          <pre key={i} className="snippet" tabIndex={0} aria-label="Code snippet">
            <InlineText parts={b.parts} />
          </pre>
        ) : (
          <p key={i}>
            <InlineText parts={b.parts} />
          </p>
        ),
      )}
    </div>
  );
}
