DROP INDEX letters_pending_idx;
