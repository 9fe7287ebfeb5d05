-- Items of queue.json that did not match any kind of queued work (a hand edit, a newer version's
-- work), kept aside in the folder under "unreadable". `backroom migrate --from DIR` copies them here
-- as they were, with the reason they could not be read: nothing the merchant had is dropped on the
-- way into the database. They never run; `position` keeps the folder's order.
create table queue_unreadable (
  position integer primary key check (position >= 0),
  item jsonb not null,
  problem text not null
);
