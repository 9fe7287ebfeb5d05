-- What the repositories (core/store/repositories.ts) keep that 0001 had no table for, and the
-- orderings they promise. Every count or total here changes in the transaction of the unit whose
-- data it counts (postgres/repositories.ts), never on its own.

-- The stock ledger: appended, never edited. `seq` orders entries across every writer; a unit that
-- rolls back leaves a gap in it, never an entry.
create table stock_ledger (
  seq bigint generated always as identity primary key,
  at timestamptz not null,
  sku text not null check (length(sku) between 1 and 100),
  location text check (location is null or length(location) between 1 and 64),
  measure text not null check (measure in ('onHand', 'committed')),
  delta integer not null,
  after integer not null check (after >= 0),
  cause text not null,
  ref text check (ref is null or length(ref) <= 300)
);
create index stock_ledger_by_sku on stock_ledger (sku, seq);

-- Units held for orders per SKU and location ('' = shops on all locations combined; a location
-- name is never empty). Kept rather than summed from stock_commitments: the upsert that changes it
-- locks its row, so two writers never lose each other's change, and a read is one row.
create table stock_committed (
  sku text not null,
  location text not null,
  units integer not null check (units >= 0),
  primary key (sku, location)
);

create table stock_reorder_points (
  sku text primary key,
  point integer not null check (point > 0)
);

-- Shipments whose units are off the shelf but not yet on their order.
create table shipments_in_transit (
  id text primary key,
  shipment jsonb not null
);

-- The derived CRM fields as last sent to each CRM for each contact (lower-case email).
create table crm_sent_fields (
  crm text not null,
  email text not null,
  signature text not null,
  primary key (crm, email)
);

-- When each CRM connection last worked through its queue without a failure: a marker, moved only
-- with a unit; apart from crm_connections so that replacing the settings never moves it.
create table crm_cursors (
  crm text primary key,
  last_success_at timestamptz not null
);

-- SKU aliases, kits and unlinked products (catalogue.json): one row.
create table catalogue (
  id boolean primary key default true check (id),
  catalogue jsonb not null
);

-- Shop and CRM keys by their reference (Shop.secretRef), sealed with the operator's store key
-- (secret-box.ts) bound to the reference. Keys may be saved before the shop row itself.
create table sealed_secrets (
  ref text primary key check (length(ref) between 1 and 200),
  sealed text not null,
  updated_at timestamptz not null default now()
);

-- The settings lists keep the order the merchant gave them.
alter table shops add column position integer not null default 0;
alter table locations add column position integer not null default 0;
alter table crm_connections add column position integer not null default 0;

-- Work items are listed in the order they were first enqueued; replacing one keeps its place.
alter table queue_items add column seq bigint generated always as identity;
create index queue_items_by_seq on queue_items (seq);
