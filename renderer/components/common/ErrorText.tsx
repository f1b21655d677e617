/** An error in words, announced to screen readers; nothing when there is none. */
export function ErrorText({ error, className }: { error?: string | null | undefined; className?: string }) {
  if (!error) return null;
  return (
    <p className={className ? `error ${className}` : 'error'} role="alert">
      {error}
    </p>
  );
}
