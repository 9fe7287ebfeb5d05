-- Low-stock marks (the folder keeps them in stock.json as extras.low): a SKU at or below its reorder
-- point whose alert is raised, and since when. One alert per fall below the point: the mark is set
-- when the alert is raised and cleared when stock rises above the point again, in the same unit.
create table stock_low (
  sku text primary key check (length(sku) between 1 and 100),
  since timestamptz not null
);
