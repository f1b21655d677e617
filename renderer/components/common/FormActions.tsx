/** The foot of every form dialog: the error (announced to screen readers), Cancel, and the submit button. */
export function FormActions(props: { error?: string | null | undefined; onCancel: () => void; submitLabel: string; disabled?: boolean }) {
  return (
    <>
      {props.error && (
        <p className="error" role="alert">
          {props.error}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={props.disabled}>
          {props.submitLabel}
        </button>
      </div>
    </>
  );
}
