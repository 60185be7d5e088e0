-- People search (issue 21, item 4): a caller is found by name, reading
-- (kana), phone number, postal code, address, e-mail or customer id, typed
-- however the call centre types them. The columns below hold each person's
-- text normalised by app/people/search.go (the same Go function normalises
-- the query, so the two cannot drift apart): width folded (NFKC),
-- hiragana as katakana, lower case, without spaces and hyphens; phone
-- numbers as domestic digits (+81 3… → 03…).
--
-- They are filled in Go, not generated here: a generated column doing the
-- same in SQL (normalize + translate) made COPY of 200,000 persons about
-- ten times slower, and the import COPYs millions. NULL means "not yet
-- filled" (rows from before this migration, rows written by anything but
-- the import): the search fills those of a case before it reads them.
--
-- COLLATE "C": byte order, so that a plain btree serves LIKE 'prefix%'.
ALTER TABLE people
    ADD COLUMN search_text  text COLLATE "C",  -- every field, one per line, for "contains"
    ADD COLUMN search_kana  text COLLATE "C",  -- the reading (or a name written in kana only)
    ADD COLUMN search_phone text COLLATE "C";  -- domestic digits

-- Only the two keys a caller gives on the phone are indexed: the reading
-- (the agent hears the name, not its kanji) and the phone number. A
-- trigram index over search_text would serve "contains" for everything,
-- but cost the COPY of each person several times what the row itself
-- costs; the rest is a scan of the case's persons. Persons without a
-- reading or phone number are left out of the indexes (lists often lack
-- readings) and cost them nothing.
CREATE INDEX people_search_kana_idx ON people (case_id, search_kana) WHERE search_kana <> '';
CREATE INDEX people_search_phone_idx ON people (case_id, search_phone) WHERE search_phone <> '';
-- Finds, per case, the persons whose search columns are still to fill;
-- normally empty, so a probe per search costs nothing.
CREATE INDEX people_search_unfilled_idx ON people (case_id) WHERE search_text IS NULL;

-- An update that changes what is searched but not the search columns (any
-- writer but the import's merge, which sets both) marks them unfilled, so
-- that the search never reads stale values.
CREATE FUNCTION people_search_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_text := NULL;
    NEW.search_kana := NULL;
    NEW.search_phone := NULL;
    RETURN NEW;
END
$$;
CREATE TRIGGER people_search_stale BEFORE UPDATE OF customer_id, name, name_kana, postal_code, address, email, phone ON people
    FOR EACH ROW
    WHEN ((OLD.customer_id, OLD.name, OLD.name_kana, OLD.postal_code, OLD.address, OLD.email, OLD.phone)
            IS DISTINCT FROM (NEW.customer_id, NEW.name, NEW.name_kana, NEW.postal_code, NEW.address, NEW.email, NEW.phone)
        AND OLD.search_text IS NOT DISTINCT FROM NEW.search_text)
    EXECUTE FUNCTION people_search_stale();
