DROP TABLE people;
DROP TABLE import_files;
DROP TABLE imports;
