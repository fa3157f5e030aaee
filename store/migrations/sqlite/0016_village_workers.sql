-- The people who do the work (issue 17): a village/community worker is stored as town staff with the
-- village or community they serve; a town leader as a leader with a town. The role column's check is
-- left as it is (rebuilding the table on SQLite would mean turning foreign keys off mid-migration);
-- store::staff maps (role, town, community) to the domain's roles in one place.
ALTER TABLE staff_users ADD COLUMN community_id INTEGER REFERENCES communities(id);
