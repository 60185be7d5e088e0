DROP TABLE template_overrides;
DROP TABLE documents;
