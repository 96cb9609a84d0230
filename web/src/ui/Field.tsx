import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes, useId } from 'react';

/**
 * A labelled form field with its hint and its error, tied together for assistive technology: the
 * error names the field the service's problem details named (`ApiError.fieldMessage`).
 */
interface FieldFrame {
  readonly label: ReactNode;
  readonly hint?: ReactNode;
  readonly error?: string;
}

const describedBy = (id: string, hint: unknown, error: unknown) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

const Frame = ({ id, label, hint, error, children }: FieldFrame & { id: string; children: ReactNode }) => (
  <div className={`field${error ? ' field-invalid' : ''}`}>
    <label htmlFor={id}>{label}</label>
    {hint ? (
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
    ) : null}
    {error ? (
      <p className="field-error" id={`${id}-error`}>
        {error}
      </p>
    ) : null}
    {children}
  </div>
);

export const TextField = ({ label, hint, error, ...input }: FieldFrame & InputHTMLAttributes<HTMLInputElement>) => {
  const id = useId();
  return (
    <Frame id={input.id ?? id} label={label} hint={hint} error={error}>
      <input id={input.id ?? id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(input.id ?? id, hint, error)} {...input} />
    </Frame>
  );
};

export const SelectField = ({ label, hint, error, children, ...select }: FieldFrame & SelectHTMLAttributes<HTMLSelectElement>) => {
  const id = useId();
  return (
    <Frame id={select.id ?? id} label={label} hint={hint} error={error}>
      <select id={select.id ?? id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(select.id ?? id, hint, error)} {...select}>
        {children}
      </select>
    </Frame>
  );
};

export const TextAreaField = ({ label, hint, error, ...area }: FieldFrame & TextareaHTMLAttributes<HTMLTextAreaElement>) => {
  const id = useId();
  return (
    <Frame id={area.id ?? id} label={label} hint={hint} error={error}>
      <textarea id={area.id ?? id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(area.id ?? id, hint, error)} {...area} />
    </Frame>
  );
};
