DROP INDEX obligations_upcoming_idx;
