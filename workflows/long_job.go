package workflows

import (
	"context"
	"errors"
	"time"
)

// The long jobs (the person and order imports, scope runs) share two
// rules: they may run past the client's default job timeout, and after
// their last attempt they mark their import or run failed, so that it does
// not show as running forever.

// longJobTimeout is a long job's own timeout, never past a shorter one the
// process is configured with (configured 0: River's default, none set).
func longJobTimeout(own, configured time.Duration) time.Duration {
	if configured > 0 {
		return min(own, configured)
	}
	return own
}

// failAfterLastAttempt returns the attempt's error; when it is the last
// attempt's, markFailed first records it on the import or run id.
func failAfterLastAttempt(ctx context.Context, err error, attempt, maxAttempts int, id int64,
	markFailed func(context.Context, int64, string) error) error {
	if err != nil && attempt >= maxAttempts {
		if ferr := markFailed(context.WithoutCancel(ctx), id, err.Error()); ferr != nil {
			return errors.Join(err, ferr)
		}
	}
	return err
}
