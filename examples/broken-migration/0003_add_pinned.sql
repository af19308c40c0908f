-- A typo the local check catches before any remote database is touched.
ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
UPDATE notse SET pinned = 1 WHERE body LIKE '%important%';
