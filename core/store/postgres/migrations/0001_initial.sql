-- Backroom's first PostgreSQL schema: the data of core/model, one table per kind of record.
-- Runs with search_path set to Backroom's own schema, inside the migration transaction.
-- Whole records are kept as jsonb (validated by the model's schemas on the way in and out); the
-- columns beside them are the ones queries filter, sort or join on, kept in the same row so they
-- can never disagree with the record after a committed write.

-- Settings, cart timings, CRM field mapping and the rest of backroom.json's settings: one row.
create table app_settings (
  id boolean primary key default true check (id),
  settings jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table locations (
  name text primary key,
  added_at timestamptz not null
);

-- A shop's settings without its keys; the keys are sealed with the operator's store key
-- (secret-box.ts), bound to the shop's name, and never stored in the clear.
create table shops (
  name text primary key,
  platform text not null check (platform in ('woocommerce', 'shopify')),
  settings jsonb not null,
  credentials text,
  added_at timestamptz not null
);

create table crm_connections (
  name text primary key,
  platform text not null check (platform in ('activecampaign', 'mailchimp')),
  settings jsonb not null,
  credentials text,
  -- When this connection last worked through its queue without a failure (health's "last success").
  last_run_at timestamptz,
  added_at timestamptz not null
);

create table rules (
  id text primary key,
  position integer not null,
  rule jsonb not null
);

-- Orders, de-duplicated by shop and the shop's own id, as the JSON store's order key.
create table orders (
  shop text not null,
  remote_id text not null,
  number text not null unique,
  status text not null,
  fulfilment text not null check (fulfilment in ('unfulfilled', 'partial', 'fulfilled')),
  customer_email text not null,
  created_at timestamptz not null,
  modified_at timestamptz not null,
  -- The month the order was created in (YYYY-MM, UTC): the JSON store's partition, and the charts' bucket.
  month text not null check (month ~ '^[0-9]{4}-[0-9]{2}$'),
  total numeric not null,
  currency text not null,
  order_json jsonb not null,
  primary key (shop, remote_id)
);
create index orders_by_status on orders (status, created_at desc);
create index orders_by_shop_created on orders (shop, created_at desc);
create index orders_by_created on orders (created_at desc);
create index orders_by_customer on orders (lower(customer_email));
create index orders_open on orders (shop, remote_id) where fulfilment <> 'fulfilled';

-- Orders per shop and month, kept in the same transaction as the orders themselves, so status and
-- the order list never count rows, and a count can never run ahead of the orders it counts.
create table order_months (
  shop text not null,
  month text not null check (month ~ '^[0-9]{4}-[0-9]{2}$'),
  order_count integer not null check (order_count >= 0),
  primary key (shop, month)
);

-- On hand per SKU and location.
create table stock (
  sku text not null check (length(sku) between 1 and 100),
  location text not null,
  on_hand integer not null check (on_hand between 0 and 1000000000),
  primary key (sku, location)
);

-- Stock held by an unfulfilled order; location null = a shop on all locations combined.
create table stock_commitments (
  shop text not null,
  remote_id text not null,
  location text,
  lines jsonb not null,
  primary key (shop, remote_id)
);

create table carts (
  id text primary key,
  shop text not null,
  remote_id text not null,
  email text not null,
  state text not null check (state in ('capturing', 'abandoned', 'recovered', 'lost', 'unsubscribed')),
  updated_at timestamptz not null,
  cart_json jsonb not null
);
create index carts_by_shop_remote on carts (shop, remote_id);
create index carts_by_state on carts (state, updated_at);

-- The CRM's exactly-once ledger: keys of work already done (event|contact|tag|add) and when.
create table crm_ledger (
  key text primary key,
  done_at timestamptz not null
);

-- One entry per customer order for the CRM fields (order count, total spent, last order date):
-- derived from these rows, so an order seen twice still counts once.
create table crm_customer_orders (
  email text not null,
  order_key text not null,
  cents bigint not null,
  ordered_at timestamptz not null,
  primary key (email, order_key)
);

-- Backroom's persistent work items (CRM contacts, Mailchimp batches in flight, shipping pushes),
-- as the JSON store's queue.json holds them; pg-boss schedules the jobs that work through them.
create table queue_items (
  id text primary key,
  lane text not null,
  kind text not null,
  payload jsonb not null,
  enqueued_at timestamptz not null,
  attempts integer not null default 0 check (attempts >= 0),
  not_before timestamptz
);
create index queue_items_by_lane on queue_items (lane, enqueued_at);

create table issue_errors (
  id text primary key,
  source_kind text not null check (source_kind in ('shop', 'crm', 'backroom')),
  source_name text not null,
  dismissed boolean not null default false,
  last_at timestamptz not null,
  error_json jsonb not null
);
create index issue_errors_by_source on issue_errors (source_kind, source_name);

create table issue_alerts (
  id text primary key,
  -- Same key = same condition: raising it again updates the count instead of adding a row.
  key text not null unique,
  source_kind text not null check (source_kind in ('shop', 'crm', 'backroom')),
  source_name text not null,
  dismissed boolean not null default false,
  last_at timestamptz not null,
  alert_json jsonb not null
);
create index issue_alerts_by_source on issue_alerts (source_kind, source_name);

-- How far each shop has been read and when each job last ran: moved only in the transaction that
-- writes the data they cover ("write these orders and move this cursor" is one transaction).
create table shop_cursors (
  shop text primary key,
  orders_modified_after timestamptz,
  carts_modified_after timestamptz,
  last_run jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now()
);

-- What each shop was last sent per SKU (tens of thousands of rows per shop: one row each, so a push
-- of a few SKUs changes a few rows), and the SKUs a shop cannot take with what was wanted.
create table shop_last_sent (
  shop text not null,
  sku text not null,
  quantity integer not null,
  primary key (shop, sku)
);

create table shop_skipped_stock (
  shop text not null,
  sku text not null,
  wanted integer not null,
  reason text not null check (reason in ('missing', 'unmanaged')),
  primary key (shop, sku)
);
