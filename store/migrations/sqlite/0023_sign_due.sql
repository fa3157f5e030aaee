-- Issue 19: the city-wide 待签收 list in deadline order. PostgreSQL guessed a few hundred waiting
-- items (the conditions are correlated), fetched all 40,000 and sorted them (0.25 s); from this
-- index the first page is read in order.
CREATE INDEX items_sign_due ON items (next_due_at, id)
  WHERE status = 'routed' AND signed_at IS NULL AND return_pending_at IS NULL;
