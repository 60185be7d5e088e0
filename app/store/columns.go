package store

import (
	"fmt"

	"gorm.io/gorm"
)

// Columns lists the database columns of a GORM model, in field order, for
// queries that name them (joins that alias them, reads that leave one out),
// so a column added to the model is read without touching the query.
func Columns(db *gorm.DB, model any) ([]string, error) {
	stmt := &gorm.Statement{DB: db}
	if err := stmt.Parse(model); err != nil {
		return nil, fmt.Errorf("columns of %T: %w", model, err)
	}
	return stmt.Schema.DBNames, nil
}
