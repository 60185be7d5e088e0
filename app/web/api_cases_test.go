package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/clock/clocktest"
)

func (c *client) json(method, path, body string) (int, map[string]any) {
	c.h.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.bearer)
	resp, err := c.h.srv.App().Test(req, -1)
	if err != nil {
		c.h.t.Fatal(err)
	}
	checkContract(c.h.t, c.h, req, []byte(body), resp)
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m
}

func fieldsOf(m map[string]any) string {
	var out []string
	errs, _ := m["errors"].([]any)
	for _, e := range errs {
		if f, ok := e.(map[string]any); ok {
			out = append(out, fmt.Sprint(f["field"]))
		}
	}
	return strings.Join(out, ",")
}

func TestCaseAPIValidatesAndMasks(t *testing.T) {
	t.Parallel()
	h := newHarnessAt(t, clocktest.At(formsToday))
	h.user("alice@a.example", "org-a", auth.RoleOwner)
	secret, err := h.auth.IssueTokenFor(context.Background(), "alice@a.example", "org-a", auth.TokenInput{Name: "t", Scope: auth.TokenWrite})
	if err != nil {
		t.Fatal(err)
	}
	c := h.client()
	c.bearer = secret
	future := h.clk.Now().Add(48 * time.Hour).Format(time.RFC3339)
	for body, field := range map[string]string{
		`{"title":"x","aware_at":"` + future + `","incident_type":"other"}`:                                   "aware_at",
		`{"title":"card 4111-1111-1111-1111","aware_at":"2026-11-01T10:00:00+09:00","incident_type":"other"}`: "title",
		`{"title":"x","aware_at":"2026-11-01T10:00:00+09:00","incident_type":"other","colour":"red"}`:         "colour",
		`{"title":42,"aware_at":"2026-11-01T10:00:00+09:00","incident_type":"other"}`:                         "title",
	} {
		code, m := c.json("POST", "/api/v1/cases", body)
		if code != http.StatusUnprocessableEntity || !strings.Contains(fieldsOf(m), field) {
			t.Errorf("%s: got %d fields %q, want 422 naming %s", body, code, fieldsOf(m), field)
		}
	}
	// Each field error says why in English and as a code that stays put.
	code, m := c.json("POST", "/api/v1/cases", `{"title":"x","aware_at":"`+future+`","incident_type":"other"}`)
	if errs, _ := m["errors"].([]any); code != http.StatusUnprocessableEntity || len(errs) != 1 ||
		fmt.Sprint(errs[0]) != "map[code:validation.future field:aware_at reason:is in the future]" {
		t.Fatalf("a time in the future: %d %v", code, m)
	}
	code, m = c.json("POST", "/api/v1/cases", `{"title":"Skimming","summary":"PSP saw 4111 1111 1111 1111 at our shop","aware_at":"2026-11-01T10:00:00+09:00","incident_type":"card_skimming"}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, m)
	}
	cs := m["case"].(map[string]any)
	if s := cs["summary"].(string); strings.Contains(s, "4111 1111") || !strings.Contains(s, "****1111") || m["masked_card_numbers"].(float64) != 1 {
		t.Fatalf("summary not masked: %q", s)
	}
	id := int64(cs["id"].(float64))
	base := fmt.Sprintf("/api/v1/cases/%d", id)
	for body, field := range map[string]string{
		`{"data_items":["card_number","shoe_size"]}`: "data_items",
		`{"persons_affected":-1}`:                    "persons_affected",
		`{"aware_at":"2026-11-01T10:00:00+09:00"}`:   "aware_at",
		`{"residents":{"JP":-4}}`:                    "residents",
	} {
		code, m := c.json("PUT", base+"/assessment", body)
		if code != http.StatusUnprocessableEntity || !strings.Contains(fieldsOf(m), field) {
			t.Errorf("assessment %s: got %d fields %q, want 422 naming %s", body, code, fieldsOf(m), field)
		}
	}
	code, m = c.json("PUT", base+"/assessment", `{"data_items":["card_number","name"],"persons_affected":30,"unauthorized_purpose":true,"high_level_encryption":false,"residents":{"JP":30}}`)
	if code != http.StatusOK || m["version"].(float64) != 1 {
		t.Fatalf("assessment: %d %v", code, m)
	}
	code, m = c.json("GET", base+"/obligations", "")
	obs, _ := m["obligations"].([]any)
	if code != 200 || len(obs) == 0 {
		t.Fatalf("obligations: %d %v", code, m)
	}
	var finalID float64
	for _, o := range obs {
		ob := o.(map[string]any)
		if ob["rule_id"] == "jp.appi.ppc.final" {
			finalID = ob["id"].(float64)
			// Day 60 counting 11-01 as day 1 is 12-30, inside the 12/29–1/3
			// closure of government offices, so it moves to Monday 2027-01-04.
			if ob["status"] != "pending" || !strings.HasPrefix(ob["due_at"].(string), "2027-01-04T23:59:59+09:00") {
				t.Errorf("final report: %v %v", ob["status"], ob["due_at"])
			}
		}
	}
	if finalID == 0 {
		t.Fatal("no final report obligation")
	}
	code, m = c.json("POST", fmt.Sprintf("%s/obligations/%d/submit", base, int64(finalID)), `{"recipient_reference":"PPC-123"}`)
	if code != 200 || m["status"] != "submitted" {
		t.Fatalf("submit: %d %v", code, m)
	}
	code, _ = c.json("POST", fmt.Sprintf("%s/obligations/%d/waive", base, int64(finalID)), `{"reason":"x"}`)
	if code != http.StatusForbidden && code != http.StatusConflict {
		t.Fatalf("owner waiving a submitted obligation: %d", code)
	}
	code, m = c.json("POST", base+"/timeline", `{"occurred_at":"2026-11-01T09:30:00+09:00","summary":"Call from PSP about card 5555555555554444"}`)
	if code != http.StatusCreated || strings.Contains(fmt.Sprint(m), "5555555555554444") || m["masked_card_numbers"] != float64(1) {
		t.Fatalf("timeline: %d %v", code, m)
	}
	code, m = c.json("POST", base+"/phase", `{"phase":"closed"}`)
	if code != http.StatusConflict || m["open_obligations"] == nil || m["code"] != "conflict.gate_tasks_obligations" ||
		!strings.Contains(fmt.Sprint(m["detail"]), "Obligations still pending: jp.appi.individual_notice, ") {
		t.Fatalf("close with open obligations: %d %v", code, m)
	}
}
