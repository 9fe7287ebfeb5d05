import type { ReactNode } from 'react';
import type { Problem } from './hooks';

export function Page({ title, actions, children, intro }: { title: string; actions?: ReactNode; children: ReactNode; intro?: ReactNode }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-head">
        <div>
          <h1 id="page-title">{title}</h1>
          {intro ? <p className="intro">{intro}</p> : null}
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

export function Card({ title, children, actions, className }: { title?: ReactNode; children: ReactNode; actions?: ReactNode; className?: string }) {
  return (
    <div className={`card ${className ?? ''}`}>
      {title || actions ? (
        <div className="card-head">
          {title ? <h2>{title}</h2> : <span />}
          {actions}
        </div>
      ) : null}
      {children}
    </div>
  );
}

/** A problem from the API, in the merchant's words, with every detail line (e.g. each bad CSV row). */
export function ProblemNote({ problem, label }: { problem: Problem | null; label?: string }) {
  if (!problem) return null;
  return (
    <div className="note note-bad" role="alert">
      {label ? <strong>{label}: </strong> : null}
      {problem.message}
      {problem.details && problem.details.length > 1 ? (
        <ul>
          {problem.details.slice(0, 20).map((d) => (
            <li key={d}>{d}</li>
          ))}
          {problem.details.length > 20 ? <li>… and {problem.details.length - 20} more</li> : null}
        </ul>
      ) : null}
    </div>
  );
}

export function Note({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'good' | 'warn' | 'bad' }) {
  return (
    <div className={`note note-${tone}`} role={tone === 'bad' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Badge({ tone, children }: { tone: 'ok' | 'syncing' | 'errors' | 'paused' | 'muted' | 'warn'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** A form field; shows the API's message under it when the API named this field. */
export function Field({ label, name, problem, children, hint }: { label: string; name: string; problem?: Problem | null; children: ReactNode; hint?: ReactNode }) {
  const mine = problem?.field && (problem.field === name || problem.field.startsWith(`${name}.`)) ? problem : null;
  return (
    <label className={`field ${mine ? 'field-bad' : ''}`} data-field={name}>
      <span className="field-label">{label}</span>
      {children}
      {mine ? (
        <span className="field-error" role="alert">
          {/* The API names the field (`url: must not be empty`); under the field itself the name is redundant. */}
          {mine.message.startsWith(`${mine.field}: `) ? mine.message.slice(mine.field!.length + 2) : mine.message}
        </span>
      ) : null}
      {hint ? <span className="field-hint">{hint}</span> : null}
    </label>
  );
}

/** Whether the API's problem names one of these fields (or a part of one, e.g. `carts.blacklist.2`). */
export function namesField(problem: Problem | null | undefined, names: readonly string[]): boolean {
  const field = problem?.field;
  return Boolean(field && names.some((n) => field === n || field.startsWith(`${n}.`)));
}

/** A problem no field of the form claims, shown once near the form's button. */
export function OtherProblem({ problem, fields }: { problem: Problem | null; fields: readonly string[] }) {
  return problem && !namesField(problem, fields) ? <ProblemNote problem={problem} /> : null;
}

/** "a, b ,, c" → ["a", "b", "c"]: lists typed as comma- or line-separated text. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function when(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const monthDayTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/** A short date and time for recent things: "today, 9:41 AM", "Nov 21, 11:26 PM", or the full date in another year. */
export function recent(iso: string | undefined, now = new Date()): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (d.toDateString() === now.toDateString()) return `today, ${timeOnly.format(d)}`;
  return d.getFullYear() === now.getFullYear() ? monthDayTime.format(d) : dateTime.format(d);
}

export function day(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateOnly.format(d);
}

/** "3 minutes ago" style, for last runs. */
export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (Number.isNaN(s)) return iso;
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return day(iso);
}

const FULFILMENT: Record<string, { label: string; tone: 'ok' | 'warn' | 'muted' }> = {
  unfulfilled: { label: 'Not shipped', tone: 'muted' },
  partial: { label: 'Partly shipped', tone: 'warn' },
  fulfilled: { label: 'Shipped', tone: 'ok' },
};

/** How far an order has shipped, in the merchant's words. */
export function Shipped({ fulfilment }: { fulfilment: string }) {
  const f = FULFILMENT[fulfilment] ?? { label: fulfilment, tone: 'muted' as const };
  return <Badge tone={f.tone}>{f.label}</Badge>;
}

export function money(amount: string, currency: string): string {
  const n = Number(amount);
  if (!Number.isFinite(n)) return `${amount} ${currency}`;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(n);
  } catch {
    return `${amount} ${currency}`;
  }
}
