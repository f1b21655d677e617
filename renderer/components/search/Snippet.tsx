/** A search snippet: text parts with the matched words as <mark>, built by React (never HTML). */
import type { SnippetDTO } from '../../../contract';

export function Snippet({ parts }: { parts: SnippetDTO }) {
  return (
    <span className="snippet-text">
      {parts.map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </span>
  );
}
