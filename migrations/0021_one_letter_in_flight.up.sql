-- A person has at most one letter in flight across batches and channels
-- (issue 19, item 7): a print batch of "not notified" persons started
-- while an e-mail batch still held nine of them pending sent those nine
-- both. New batches leave out persons with a pending letter; this index
-- holds even when two batches start at once.
CREATE UNIQUE INDEX letters_one_pending_per_person ON letters (person_id) WHERE state = 'pending';
