-- Progress of `backroom migrate --from DIR`: how many batches of each table are in, so a copy that
-- stopped (killed, network gone) goes on where it stopped. Each batch commits with its progress row.
create table folder_copy (
  table_name text primary key,
  batches_done integer not null default 0 check (batches_done >= 0),
  rows_copied integer not null default 0 check (rows_copied >= 0),
  done boolean not null default false,
  updated_at timestamptz not null default now()
);
