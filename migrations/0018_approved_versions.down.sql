DROP TRIGGER documents_frozen ON documents;
DROP FUNCTION documents_frozen();
ALTER TABLE documents
    DROP COLUMN pdf_reference,
    DROP COLUMN pdf_organisation,
    DROP COLUMN approved_content_sha256,
    DROP COLUMN content_sha256;

DROP TRIGGER notice_versions_frozen ON notice_versions;
DROP FUNCTION notice_versions_frozen();
ALTER TABLE notice_versions
    DROP CONSTRAINT notice_versions_published_frozen,
    DROP COLUMN owner_approved_sha256,
    DROP COLUMN legal_approved_sha256,
    DROP COLUMN content_sha256,
    DROP COLUMN measures;
