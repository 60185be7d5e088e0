DROP TABLE letters;
DROP TABLE letter_files;
DROP TABLE letter_batches;
