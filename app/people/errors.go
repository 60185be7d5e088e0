package people

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// safeErr keeps PostgreSQL's messages out of the errors this package
// returns. River stores a failed job's error in its own table and logs it,
// and a message such as `invalid input syntax for type …: "<value>"` would
// repeat a cell of the file there; the SQLSTATE and constraint are enough
// to tell what went wrong.
func safeErr(op string, err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return fmt.Errorf("people: %s: SQLSTATE %s %s", op, pg.Code, pg.ConstraintName)
	}
	return err
}
