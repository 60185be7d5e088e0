package scoping_test

import (
	"context"
	"slices"
	"testing"

	"github.com/breachdesk/breachdesk/app/apptest"
	"github.com/breachdesk/breachdesk/app/documents"
	"github.com/breachdesk/breachdesk/app/drafts"
	"github.com/breachdesk/breachdesk/app/letters"
	"github.com/breachdesk/breachdesk/app/scoping"
	"github.com/breachdesk/breachdesk/app/store"
)

// letterBatch creates a print batch of an approved customer letter over
// the case's persons not yet notified, and returns it with the names of
// the persons it has a letter for.
func (e *env) letterBatch() (letters.Batch, []string) {
	e.t.Helper()
	ctx := context.Background()
	r := apptest.Renderer(e.t)
	ds := drafts.NewService(e.st, e.clk, e.cases, e.as, r)
	d, err := ds.Generate(ctx, e.owner, e.caseID, string(documents.CustomerLetterSample), "ja",
		map[string]string{"summary": "決済画面が改ざんされ、カード情報が窃取されたおそれがあります。"})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.st.InTx(ctx, func(tx *store.Tx) error { return ds.RenderInTx(ctx, tx, d.ID) }); err != nil {
		e.t.Fatal(err)
	}
	if d, err = ds.Get(ctx, e.legal, d.ID); err != nil {
		e.t.Fatal(err)
	}
	if _, err := ds.Approve(ctx, e.legal, d.ID, d.ContentHash()); err != nil {
		e.t.Fatal(err)
	}
	ls := letters.NewService(e.st, e.clk, e.cases, e.as, letters.Options{Renderer: r})
	b, err := ls.Create(ctx, e.owner, e.caseID, letters.NewBatch{DocumentID: d.ID, Channel: letters.ChannelPrint})
	if err != nil {
		e.t.Fatal(err)
	}
	var names []string
	e.st.DB.Raw(`SELECT p.name FROM letters l JOIN people p ON p.id = l.person_id WHERE l.batch_id = ? AND l.state = 'pending' ORDER BY p.name`, b.ID).Scan(&names)
	return b, names
}

// The applied scope's persons are the people a letter batch goes to.
func TestLetterBatchOverScopedPersons(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	fiveCustomers(e)
	v := e.setWindows(window("2026-10-01 00:00", "2026-11-30 23:59", scoping.ConfidenceConfirmed))
	r := e.scope()
	if _, err := e.svc.Apply(ctx, e.owner, r.ID, v.Version, 0); err != nil {
		t.Fatal(err)
	}
	b, names := e.letterBatch()
	if b.Total != 4 || !slices.Equal(names, []string{"一郎", "三郎", "二郎", "四郎"}) {
		t.Errorf("batch of %d letters to %v", b.Total, names)
	}
}
