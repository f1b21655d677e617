/** The foot of every form: the error (announced to screen readers), Cancel (for dialogs), and the submit button. */
import { ErrorText } from './ErrorText';

export function FormActions(props: { error?: string | null | undefined; onCancel?: () => void; submitLabel: string; disabled?: boolean }) {
  return (
    <>
      <ErrorText error={props.error} />
      <div className="actions">
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="primary" disabled={props.disabled}>
          {props.submitLabel}
        </button>
      </div>
    </>
  );
}
