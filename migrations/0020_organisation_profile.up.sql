-- The organisation's contact desk as the documents print it (issue 19,
-- item 1): contact_desk names the desk; its phone, opening hours, e-mail
-- address and web form are their own fields.
ALTER TABLE organisations
    ADD COLUMN contact_phone text NOT NULL DEFAULT '',
    ADD COLUMN contact_hours text NOT NULL DEFAULT '',
    ADD COLUMN contact_email text NOT NULL DEFAULT '',
    ADD COLUMN contact_url   text NOT NULL DEFAULT '';
