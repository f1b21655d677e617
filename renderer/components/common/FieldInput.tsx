/** One input generated from a protocol descriptor field (account form, join dialog). */
import { useId } from 'react';
import type { FieldDTO } from '../../../contract';

export type FieldValue = string | number | boolean;

export function FieldInput(props: { field: FieldDTO; value: FieldValue | undefined; error?: string; onChange: (v: FieldValue) => void; secretSet?: boolean }) {
  const { field, value, error } = props;
  const id = useId();
  const helpId = `${id}-help`;
  const describedBy = [field.help ? helpId : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  if (field.type === 'boolean') {
    return (
      <div className="field check">
        <input id={id} type="checkbox" checked={Boolean(value)} aria-describedby={describedBy} onChange={(e) => props.onChange(e.target.checked)} />
        <label htmlFor={id}>{field.label}</label>
        {field.help && <small id={helpId}>{field.help}</small>}
        {error && <small id={`${id}-err`} className="error">{error}</small>}
      </div>
    );
  }
  return (
    <div className="field">
      <span className="label-row">
        <label htmlFor={id}>{field.label}</label>
        {field.required && (
          <span className="req" aria-hidden="true">
            *
          </span>
        )}
      </span>
      {field.type === 'select' ? (
        <select id={id} value={String(value ?? '')} aria-describedby={describedBy} onChange={(e) => props.onChange(e.target.value)}>
          {(field.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : isMultiline(field) ? (
        <textarea
          id={id}
          name={field.key}
          rows={4}
          spellCheck={false}
          className="mono"
          value={value === undefined ? '' : String(value)}
          required={field.required}
          placeholder={field.placeholder}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => props.onChange(e.target.value)}
        />
      ) : (
        <input
          id={id}
          name={field.key}
          type={field.type === 'password' ? 'password' : field.type === 'number' ? 'number' : 'text'}
          value={value === undefined ? '' : String(value)}
          required={field.required && !(field.type === 'password' && props.secretSet)}
          placeholder={field.type === 'password' && props.secretSet ? '(unchanged)' : field.placeholder}
          autoComplete={field.type === 'password' ? 'new-password' : 'off'}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => props.onChange(field.type === 'number' ? (e.target.value === '' ? '' : Number(e.target.value)) : e.target.value)}
        />
      )}
      {field.help && <small id={helpId}>{field.help}</small>}
      {error && (
        <small id={`${id}-err`} className="error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/** PEM blocks keep their line breaks: a text field named …Pem or labelled (PEM) gets a textarea */
export function isMultiline(field: FieldDTO): boolean {
  return field.type === 'text' && (/pem$/i.test(field.key) || /\(PEM\)/.test(field.label));
}

/** initial values from the descriptor's defaults */
export function defaults(fields: FieldDTO[]): Record<string, FieldValue> {
  const v: Record<string, FieldValue> = {};
  for (const f of fields) if (f.default !== undefined) v[f.key] = f.default;
  else if (f.type === 'select' && f.options?.[0]) v[f.key] = f.options[0].value;
  return v;
}

/** drops empty optional values so the engine applies its defaults */
export function cleanValues(fields: FieldDTO[], values: Record<string, FieldValue>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const f of fields) {
    const v = values[f.key];
    if (v === undefined || v === '') continue;
    out[f.key] = v;
  }
  return out;
}
