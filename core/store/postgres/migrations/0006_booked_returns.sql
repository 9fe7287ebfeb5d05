-- Returns and shop refunds already put back on hand (the folder keeps them in stock.json's extras,
-- "returns"), by the key that makes each one booking: `return:ID` for one recorded in Backroom,
-- `refund:SHOP#ID` for a shop's refund. Written in the unit that puts the units back, so a refund
-- seen twice restocks once. Read by order number, to count what already came back.
create table stock_returns (
  key text primary key,
  order_number text not null,
  booked jsonb not null
);
create index stock_returns_order on stock_returns (order_number);
