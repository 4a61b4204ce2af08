-- Refunds a crash or a failed provider call left `pending`, found by the order reconciler's retry
-- without reading every refund.
create index refunds_pending on refunds (created_at) where state = 'pending';
