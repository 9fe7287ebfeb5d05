-- What the job workers (engine/workers) share through the database: the timed work they run, and
-- each CRM account's request window, so several worker processes keep one rate limit together.

-- Each shop's order poll, cart sweep and CRM run: what is wanted, and how often. The runs themselves
-- are pg-boss jobs, each one enqueuing the next (engine/workers/schedules.ts); this row is what a
-- run reads to know whether and when to come again.
create table job_schedules (
  kind text not null check (length(kind) between 1 and 40),
  target text not null check (length(target) between 1 and 64),
  every_seconds integer not null check (every_seconds between 1 and 604800),
  primary key (kind, target)
);

-- A platform account's rolling window (postgres/rate-window.ts): start times (epoch milliseconds)
-- of its most recent requests, oldest first, never more than the limit; and a hold (Retry-After)
-- that stops every start until then.
create table rate_windows (
  account text primary key check (length(account) between 1 and 300),
  starts double precision[] not null default '{}',
  hold_until double precision not null default 0
);

-- One request start, judged under the row's lock so two workers never take the same slot. Time is
-- the database's own clock, read after the lock is held (a clock read before waiting for the lock
-- would record a start earlier than it was), unless the caller hands in its clock's time.
-- Granted: the start is recorded, and `wait_ms` is 0. Refused: `wait_ms` says how long until a slot.
create function rate_window_take(p_account text, p_requests integer, p_span_ms double precision, p_now_ms double precision)
returns table (granted boolean, now_ms double precision, wait_ms double precision)
language plpgsql
set search_path from current
as $$
declare
  w rate_windows%rowtype;
  t double precision;
  due double precision;
begin
  select * into w from rate_windows where account = p_account for update;
  if not found then
    insert into rate_windows (account) values (p_account) on conflict do nothing;
    select * into w from rate_windows where account = p_account for update;
  end if;
  t := coalesce(p_now_ms, extract(epoch from clock_timestamp()) * 1000);
  due := w.hold_until;
  if cardinality(w.starts) >= p_requests then
    due := greatest(due, w.starts[cardinality(w.starts) - p_requests + 1] + p_span_ms);
  end if;
  if t < due then
    return query select false, t, due - t;
    return;
  end if;
  update rate_windows set starts = (w.starts || t)[greatest(1, cardinality(w.starts) + 2 - p_requests):] where account = p_account;
  return query select true, t, 0::double precision;
end
$$;
