-- An approval names the exact version it approves, and what is public is a
-- frozen, approved version (issue 17, finding 4).
--
-- Notice versions: the approvals record the content hash (SHA-256, hex)
-- the approver was shown; a published version keeps the prevention
-- measures as they were approved (title and status) and the hash of its
-- whole content, so the public page never reads the live measures.
ALTER TABLE notice_versions
    ADD COLUMN measures              jsonb,
    ADD COLUMN content_sha256        text CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
    ADD COLUMN legal_approved_sha256 text CHECK (legal_approved_sha256 ~ '^[0-9a-f]{64}$'),
    ADD COLUMN owner_approved_sha256 text CHECK (owner_approved_sha256 ~ '^[0-9a-f]{64}$');

-- Versions published before this migration showed the live measures: they
-- keep the ones they show today. Their content hash is left NULL (the
-- approvals named none); approvals of drafts without a hash are stale and
-- must be given again.
UPDATE notice_versions v SET measures = COALESCE((
    SELECT jsonb_agg(jsonb_build_object('title_ja', m.title_ja, 'title_en', m.title_en, 'status', m.status) ORDER BY m.id)
    FROM notices n JOIN prevention_measures m ON m.organisation_id = n.organisation_id AND m.case_id = n.case_id
    WHERE n.id = v.notice_id), '[]'::jsonb)
WHERE v.published_at IS NOT NULL;

ALTER TABLE notice_versions ADD CONSTRAINT notice_versions_published_frozen
    CHECK (published_at IS NULL OR measures IS NOT NULL);

-- A published version never changes: a new text or new measures are a new
-- version (第N報), approved and published in its turn.
CREATE FUNCTION notice_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.notice_id, OLD.version, OLD.title_ja, OLD.title_en, OLD.sections, OLD.update_line_ja, OLD.update_line_en,
        OLD.measures, OLD.content_sha256, OLD.published_at, OLD.pdf_ja, OLD.pdf_en, OLD.sha256_ja, OLD.sha256_en)
       IS DISTINCT FROM
       (NEW.notice_id, NEW.version, NEW.title_ja, NEW.title_en, NEW.sections, NEW.update_line_ja, NEW.update_line_en,
        NEW.measures, NEW.content_sha256, NEW.published_at, NEW.pdf_ja, NEW.pdf_en, NEW.sha256_ja, NEW.sha256_en) THEN
        RAISE EXCEPTION 'notice version % of notice % is published and cannot change', OLD.version, OLD.notice_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER notice_versions_frozen BEFORE UPDATE ON notice_versions FOR EACH ROW
    WHEN (OLD.published_at IS NOT NULL)
    EXECUTE FUNCTION notice_versions_frozen();

-- Documents: the hash of the content legal is shown (computed from the
-- stored row when it is rendered) and the hash legal approved; the PDF's
-- header (organisation, case reference) is kept with the row, so the
-- approved PDF is rendered from exactly what legal read.
ALTER TABLE documents
    ADD COLUMN content_sha256          text CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
    ADD COLUMN approved_content_sha256 text CHECK (approved_content_sha256 ~ '^[0-9a-f]{64}$'),
    ADD COLUMN pdf_organisation        text NOT NULL DEFAULT '',
    ADD COLUMN pdf_reference           text NOT NULL DEFAULT '';

-- Rendered rows were rendered with the organisation's legal name (or its
-- name) and the case reference: keep what they show.
UPDATE documents d SET pdf_organisation = COALESCE(NULLIF(o.legal_name, ''), o.name), pdf_reference = c.reference
FROM cases c JOIN organisations o ON o.id = c.organisation_id
WHERE c.id = d.case_id AND d.rendered_at IS NOT NULL;

-- An approved (or sent) document never changes.
CREATE FUNCTION documents_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.case_id, OLD.kind, OLD.lang, OLD.version, OLD.template_version, OLD.fields, OLD.composed, OLD.pdf, OLD.sha256,
        OLD.rendered_at, OLD.content_sha256, OLD.approved_content_sha256, OLD.pdf_organisation, OLD.pdf_reference, OLD.approved_at)
       IS DISTINCT FROM
       (NEW.case_id, NEW.kind, NEW.lang, NEW.version, NEW.template_version, NEW.fields, NEW.composed, NEW.pdf, NEW.sha256,
        NEW.rendered_at, NEW.content_sha256, NEW.approved_content_sha256, NEW.pdf_organisation, NEW.pdf_reference, NEW.approved_at) THEN
        RAISE EXCEPTION 'document % is approved and cannot change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER documents_frozen BEFORE UPDATE ON documents FOR EACH ROW
    WHEN (OLD.status IN ('approved', 'submitted'))
    EXECUTE FUNCTION documents_frozen();
