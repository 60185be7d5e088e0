DROP TABLE faq_entries;
DROP TABLE inquiries;
