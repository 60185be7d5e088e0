DROP TABLE orders;
DROP TABLE order_import_files;
DROP TABLE order_imports;
