-- Reads that ask for one record instead of a whole table: one customer's carts (CartReader.ofCustomer,
-- what an order means for carts in the pull), one contact's queued CRM work in a lane
-- (QueueReader.ofContact, each tag event), and an order's shipping push (QueueReader.find).
create index carts_by_email on carts (email);
create index queue_items_by_contact on queue_items (lane, (payload->>'email'), seq) where kind = 'crm.contact';
create index queue_items_by_shipping_order on queue_items ((payload->>'order')) where kind = 'shipping.push';
