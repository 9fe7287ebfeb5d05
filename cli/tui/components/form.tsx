import { Box, Text } from 'ink';
import { useRef, useState } from 'react';
import { ApiError } from '../../../core/api/errors';
import { PRIORITY, useKeypress } from '../contexts/keypress';
import { Command, matches } from '../keys';
import { HelpLine } from './help-line';
import { Label } from './label';

export interface FieldSpec {
  name: string;
  label: string;
  value?: string;
  /** Shown after an empty value, e.g. "YYYY-MM-DD, empty = today". */
  hint?: string;
  /** Shown as dots (API keys, passwords). */
  secret?: boolean;
}

export type FormValues = Record<string, string>;

export interface FormProps {
  title: string;
  /** Wrapped text under the title: what the fields accept. */
  note?: string;
  fields: readonly FieldSpec[];
  /** Does the work through the API; a thrown ApiError's message is shown and the form stays open. */
  onSubmit(values: FormValues): Promise<void>;
  onCancel(): void;
}

/** The field an API error names ("intervals.ordersSeconds" → the ordersSeconds field). */
function faultyField(error: ApiError, fields: readonly FieldSpec[]): string | undefined {
  const at = error.field;
  if (!at) return undefined;
  return fields.find((f) => at === f.name || at.startsWith(`${f.name}.`) || at.endsWith(`.${f.name}`) || at.split('.')[0] === f.name)?.name;
}

/** A small form that owns the keyboard while open: type, tab between fields, enter saves, esc cancels. */
export function Form({ title, note, fields, onSubmit, onCancel }: FormProps) {
  const [values, setValuesState] = useState<FormValues>(() => Object.fromEntries(fields.map((f) => [f.name, f.value ?? ''])));
  const [focus, setFocusState] = useState(0);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [busy, setBusyState] = useState(false);
  // Several keys can arrive before the next render (one chunk of fast typing): the key handler
  // reads and writes these refs, so each key sees what the keys before it did.
  const latest = useRef({ values, focus, busy });
  const setValues = (change: (v: FormValues) => FormValues) => {
    latest.current.values = change(latest.current.values);
    setValuesState(latest.current.values);
  };
  const setFocus = (change: (f: number) => number) => {
    latest.current.focus = change(latest.current.focus);
    setFocusState(latest.current.focus);
  };
  const setBusy = (value: boolean) => {
    latest.current.busy = value;
    setBusyState(value);
  };

  useKeypress(
    (input, key) => {
      if (key.ctrl && input === 'c') return false; // quitting stays possible
      if (latest.current.busy) return true;
      const current = fields[latest.current.focus]!;
      const values = latest.current.values;
      if (matches(Command.Cancel, input, key)) onCancel();
      else if (matches(Command.Submit, input, key)) {
        setBusy(true);
        setError(null);
        onSubmit(values)
          .catch((e: unknown) => {
            const api = ApiError.from(e);
            setError({ message: api.message, field: faultyField(api, fields) });
            const at = fields.findIndex((f) => f.name === faultyField(api, fields));
            if (at >= 0) setFocus(() => at);
          })
          .finally(() => setBusy(false));
      } else if (matches(Command.PrevField, input, key)) setFocus((f) => (f - 1 + fields.length) % fields.length);
      else if (matches(Command.NextField, input, key)) setFocus((f) => (f + 1) % fields.length);
      else if (key.backspace || key.delete) setValues((v) => ({ ...v, [current.name]: (v[current.name] ?? '').slice(0, -1) }));
      else if (input && !key.ctrl && !key.meta && !key.escape) {
        // Keep printable characters only.
        const text = [...input].filter((ch) => ch >= " " && ch !== "\u007f").join("");
        if (text) setValues((v) => ({ ...v, [current.name]: (v[current.name] ?? '') + text }));
      }
      return true;
    },
    { priority: PRIORITY.dialog },
  );

  const width = Math.max(...fields.map((f) => f.label.length)) + 1;
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1}>
      <Text bold>{title}</Text>
      {note ? (
        <Label tone="dim" wrap="wrap">
          {note}
        </Label>
      ) : null}
      {fields.map((f, i) => {
        const value = values[f.name] ?? '';
        const focused = i === focus;
        return (
          <Text key={f.name} wrap="truncate-end">
            {focused ? '› ' : '  '}
            <Text bold={focused}>{`${f.label}:`.padEnd(width)}</Text> {f.secret ? '•'.repeat(value.length) : value}
            {focused ? '_' : ''}
            {!value && f.hint ? <Label tone="dim">{` (${f.hint})`}</Label> : null}
            {error?.field === f.name ? ' ‹ check this' : ''}
          </Text>
        );
      })}
      {busy ? <Text>Saving…</Text> : null}
      {error ? (
        <Label tone="error" wrap="wrap">
          {`Error: ${error.message}`}
        </Label>
      ) : null}
      <HelpLine commands={[Command.Submit, Command.NextField, Command.Cancel]} global={false} />
    </Box>
  );
}

/** A number when the text is a whole number, else the text itself, so the API's own message names the problem. */
export function numberOrText(value: string): number | string {
  const t = value.trim();
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

/** Empty text → undefined (the API's default applies). */
export function optional(value: string | undefined): string | undefined {
  const t = value?.trim();
  return t ? t : undefined;
}

/** A yes/no field: `yes`/`y` or `no`/`n` in any case; anything else is refused naming the field. */
export function yesOrNo(label: string, field: string, value: string | undefined): boolean {
  const t = (value ?? '').trim().toLowerCase();
  if (t === 'yes' || t === 'y') return true;
  if (t === 'no' || t === 'n') return false;
  throw new ApiError('bad-input', `${label} must be yes or no (got "${(value ?? '').trim().slice(0, 20)}").`, field);
}
