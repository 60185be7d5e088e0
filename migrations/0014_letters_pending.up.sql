-- Each finished chunk asks whether its batch still has a pending letter
-- (letters.finishIfDone). Through letters_chunk_idx that walks every
-- letter of the finished chunks first — most of a large batch near its
-- end, once per chunk. The pending letters alone are few by then.
CREATE INDEX letters_pending_idx ON letters (batch_id) WHERE state = 'pending';
