package store_test

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/breachdesk/breachdesk/app/clock/clocktest"
	"github.com/breachdesk/breachdesk/app/store"
	"github.com/breachdesk/breachdesk/app/store/storetest"
	"github.com/breachdesk/breachdesk/migrations"
)

// Every migration reverts cleanly and applies again.
func TestMigrationsGoDownAndUpAgain(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, clocktest.New(t))
	ctx := context.Background()
	migs, err := store.LoadMigrations(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	top := migs[len(migs)-1].Version
	if v, _ := st.SchemaVersion(ctx); v != top {
		t.Fatalf("template at version %d, want %d", v, top)
	}
	if err := st.MigrateDown(ctx, 0); err != nil {
		t.Fatal(err)
	}
	var tables int64
	st.DB.Raw(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE 'river%' AND table_name <> 'schema_migrations'`).Scan(&tables)
	if v, _ := st.SchemaVersion(ctx); v != 0 || tables != 0 {
		t.Fatalf("after down: version %d, %d tables left", v, tables)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if v, _ := st.SchemaVersion(ctx); v != top {
		t.Fatalf("after up again: version %d", v)
	}
}

func TestLoadMigrationsRejectsGapsAndMissingDown(t *testing.T) {
	t.Parallel()
	for name, fsys := range map[string]fstest.MapFS{
		"gap":       {"0001_a.up.sql": {Data: []byte("x")}, "0001_a.down.sql": {Data: []byte("x")}, "0003_c.up.sql": {Data: []byte("x")}, "0003_c.down.sql": {Data: []byte("x")}},
		"no down":   {"0001_a.up.sql": {Data: []byte("x")}},
		"bad name":  {"1_a.sql": {Data: []byte("x")}},
		"two names": {"0001_a.up.sql": {Data: []byte("x")}, "0001_b.down.sql": {Data: []byte("x")}},
	} {
		if _, err := store.LoadMigrations(fsys); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
