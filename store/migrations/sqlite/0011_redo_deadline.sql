-- A reopened item (重办) gets a fresh deadline for its new answer (issue 17); the first answer keeps its
-- own deadlines, so the measures keep judging it. Both stay empty for items never reopened.
ALTER TABLE items ADD COLUMN redo_due_at INTEGER;
ALTER TABLE items ADD COLUMN redo_feedback_at INTEGER;
