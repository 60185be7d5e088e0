ALTER TABLE organisations
    DROP COLUMN contact_phone,
    DROP COLUMN contact_hours,
    DROP COLUMN contact_email,
    DROP COLUMN contact_url;
