// Package store opens the database and shares one connection pool between
// GORM, River and plain SQL, so that a state change and the jobs it enqueues
// can be committed in a single transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/breachdesk/breachdesk/app/clock"
)

// Store holds the shared database handles of one process.
type Store struct {
	// Pool is the single pgx pool; River's LISTEN/NOTIFY listener uses it.
	Pool *pgxpool.Pool
	// SQL is a database/sql view of Pool used by GORM and River.
	SQL *sql.DB
	// DB is GORM on top of SQL. It never leaves app/.
	DB *gorm.DB

	clock clock.Clock
	// jobs inserts and cancels River jobs inside this store's
	// transactions. It only inserts: the clients that work jobs are
	// workflows', on the same pool.
	jobs *river.Client[*sql.Tx]
}

// Open connects to the database at url and verifies the connection. GORM
// stamps created_at and updated_at by clk, and so does every Tx.
func Open(ctx context.Context, url string, clk clock.Clock) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database url: %w", err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	gdb, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{
		Logger: logger.New(slogWriter{}, logger.Config{SlowThreshold: 500 * time.Millisecond, LogLevel: logger.Warn, IgnoreRecordNotFoundError: true,
			// A failed or slow statement is logged without its arguments:
			// they are people's data.
			ParameterizedQueries: true}),
		SkipDefaultTransaction: true,
		NowFunc:                clk.Now,
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open gorm: %w", err)
	}
	if err := guardWrites(gdb); err != nil {
		pool.Close()
		return nil, fmt.Errorf("register the card-number guard: %w", err)
	}
	jobs, err := newInserter(sqlDB, clk)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{Pool: pool, SQL: sqlDB, DB: gdb, clock: clk, jobs: jobs}, nil
}

// newInserter is the River client Tx.Enqueue and Tx.CancelJob use. It
// has no workers, so it never fetches a job; its inserts notify the
// working clients on the same database as any client's do. On a test
// clock (one River can stub its time with) River stamps jobs by that
// clock, as the working clients do (see workflows.NewClient).
func newInserter(db *sql.DB, clk clock.Clock) (*river.Client[*sql.Tx], error) {
	cfg := &river.Config{Logger: slog.Default()}
	if t, ok := clk.(rivertype.TimeGenerator); ok {
		cfg.Test.Time = t
	}
	c, err := river.NewClient(riverdatabasesql.New(db), cfg)
	if err != nil {
		return nil, fmt.Errorf("river job inserter: %w", err)
	}
	return c, nil
}

// Close releases the pool.
func (s *Store) Close() {
	_ = s.SQL.Close()
	s.Pool.Close()
}

// Ping checks that the database answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return s.Pool.Ping(ctx)
}

// Tx is one open transaction, usable by GORM and by River at the same time.
type Tx struct {
	// DB is GORM bound to the transaction.
	DB    *gorm.DB
	sql   *sql.Tx
	jobs  *river.Client[*sql.Tx]
	clock clock.Clock
}

// Now is the store's clock: the time rows written in this transaction are
// stamped with (audit rows, automatic timeline entries), the same clock
// that GORM stamps created_at with.
func (t *Tx) Now() time.Time { return t.clock.Now() }

// SQLTx returns the underlying *sql.Tx, for River's transactional API.
func (t *Tx) SQLTx() *sql.Tx { return t.sql }

// Enqueue inserts a River job in this transaction: it becomes visible to
// workers only if the transaction commits.
func (t *Tx) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	return t.jobs.InsertTx(ctx, t.sql, args, opts)
}

// EnqueueMany inserts many jobs in this transaction in one round trip
// (a letter batch's chunks, say).
func (t *Tx) EnqueueMany(ctx context.Context, params []river.InsertManyParams) error {
	_, err := t.jobs.InsertManyTx(ctx, t.sql, params)
	return err
}

// CancelJob cancels a job in this transaction (a scheduled reminder that
// is no longer due, say). A job that already finished is left as it is.
func (t *Tx) CancelJob(ctx context.Context, jobID int64) error {
	_, err := t.jobs.JobCancelTx(ctx, t.sql, jobID)
	if err != nil && errors.Is(err, rivertype.ErrNotFound) {
		return nil
	}
	return err
}

// InTx runs fn in one transaction; an error from fn (or a panic) rolls back
// both the GORM writes and the River jobs inserted through tx.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.DB.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		st, err := sqlTx(g)
		if err != nil {
			return err
		}
		return fn(&Tx{DB: g, sql: st, jobs: s.jobs, clock: s.clock})
	})
}

// sqlTx unwraps GORM's transaction, with or without prepared statements.
func sqlTx(tx *gorm.DB) (*sql.Tx, error) {
	switch p := tx.Statement.ConnPool.(type) {
	case *sql.Tx:
		return p, nil
	case *gorm.PreparedStmtTX:
		if t, ok := p.Tx.(*sql.Tx); ok {
			return t, nil
		}
	}
	return nil, fmt.Errorf("store: not in a transaction: %T", tx.Statement.ConnPool)
}

// slogWriter routes GORM's logger through slog.
type slogWriter struct{}

func (slogWriter) Printf(format string, args ...any) {
	slog.Warn("gorm", "msg", fmt.Sprintf(format, args...))
}
