package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/orders"
)

// ordersForm is the order import form as a browser posts it.
func ordersForm(t *testing.T, csrf, preset, csv string, fields map[string]string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", csrf)
	_ = w.WriteField("mode", "partial")
	_ = w.WriteField("preset", preset)
	_ = w.WriteField("encoding", "utf-8")
	_ = w.WriteField("card_patterns", "クレジット, card, shopify payments")
	pr, _ := orders.FindPreset(preset)
	for _, f := range orders.Fields {
		v, ok := fields[f]
		if !ok {
			v = pr.ColumnList(f)
		}
		_ = w.WriteField("col_"+f, v)
	}
	fw, err := w.CreateFormFile("file", "orders_export.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(csv))
	_ = w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func TestOrdersPageUploadAndList(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	own := h.fixtures("org-a", "alice@a.example", "none")
	c := h.client()
	c.login("alice@a.example")
	page := body(t, c.do("GET", fmt.Sprintf("/cases/%d/orders?preset=shopify", own["case"]), nil))
	if !strings.Contains(page, `name="col_name" value="Billing Name"`) || !strings.Contains(page, `value="shopify"`) {
		t.Fatalf("the form does not show the Shopify preset's columns:\n%s", page)
	}
	path := fmt.Sprintf("/cases/%d/orders/import", own["case"])
	csv := "Name,Email,Created at,Lineitem name,Billing Name,Payment Method,Notes\n" +
		"#1001,a@example.com,2026-10-01 09:15:00 +0900,Mug,Ann Lee,Shopify Payments,card 4111 1111 1111 1111\n" +
		"#1001,,,Plate,,,\n" +
		"#1002,b@example.com,last tuesday,Cup,Bo,Bank Deposit,\n"
	// A column the file does not have is named next to its field, and
	// what the user typed is shown again.
	ct, b := ordersForm(t, c.csrf(), "shopify", csv, map[string]string{orders.FieldOrderNo: "Order"})
	r := c.raw("POST", path, ct, b)
	page = body(t, r)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="o-col-order_no-error"`) || !strings.Contains(page, `value="Order"`) {
		t.Fatalf("bad mapping: %d\n%s", r.StatusCode, page)
	}
	ct, b = ordersForm(t, c.csrf(), "shopify", csv, nil)
	r = c.raw("POST", path, ct, b)
	loc := r.Header.Get("Location")
	var id int64
	if _, err := fmt.Sscanf(loc, fmt.Sprintf("/cases/%d/orders?import=%%d", own["case"]), &id); err != nil || r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s %s", r.StatusCode, loc, body(t, r))
	}
	if err := orders.NewService(h.st, h.clk, h.cases).Run(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	page = body(t, c.do("GET", loc, nil))
	for _, want := range []string{"エクスポートにカード情報が含まれていました", "#1001", "Shopify Payments", "<td>4</td><td><code>ordered_at</code></td>", "日時として読めません"} {
		if !strings.Contains(page, want) {
			t.Errorf("orders page lacks %q", want)
		}
	}
	if strings.Contains(page, "4111") || strings.Contains(page, "last tuesday") {
		t.Fatal("the page shows a card number or a cell of a bad row")
	}
	// Another organisation's import cannot be shown under this case.
	if r := c.do("GET", fmt.Sprintf("/cases/%d/orders?import=%d", own["case"], id+1000), nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown import: %d", r.StatusCode)
	}
}
