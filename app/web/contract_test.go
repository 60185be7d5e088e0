package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// contract is the OpenAPI document every API request and response of the
// tests is checked against (checkContract), loaded once from a server.
var contract struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

// loadContract reads and validates the server's OpenAPI document.
func loadContract(h *harness) (*openapi3.T, routers.Router, error) {
	contract.once.Do(func() {
		for _, ct := range []string{"application/pdf", "text/csv", "application/octet-stream"} {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
		}
		resp, err := h.srv.App().Test(httptestRequest("GET", "/api/v1/openapi.json"), -1)
		if err != nil {
			contract.err = err
			return
		}
		raw, _ := io.ReadAll(resp.Body)
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(raw)
		if err != nil {
			contract.err = fmt.Errorf("loading the OpenAPI document: %w", err)
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			contract.err = fmt.Errorf("the OpenAPI document is invalid: %w", err)
			return
		}
		// The routers match absolute URLs: the tests' requests go to example.com.
		doc.Servers = openapi3.Servers{{URL: "http://example.com/api/v1"}}
		contract.doc = doc
		contract.router, contract.err = legacy.NewRouter(doc)
	})
	return contract.doc, contract.router, contract.err
}

func httptestRequest(method, path string) *http.Request {
	req, _ := http.NewRequest(method, "http://example.com"+path, nil)
	return req
}

// checkContract holds an API exchange to the document: a response must be
// one the operation declares (status and body); a request the document
// calls invalid must be refused with a 4xx, never served or answered 5xx.
func checkContract(t *testing.T, h *harness, req *http.Request, reqBody []byte, resp *http.Response) {
	t.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") || req.URL.Path == "/api/v1/openapi.json" {
		return
	}
	_, router, err := loadContract(h)
	if err != nil {
		t.Fatal(err)
	}
	vreq := req.Clone(context.Background())
	vreq.URL.Scheme, vreq.URL.Host, vreq.Host = "http", "example.com", "example.com"
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := router.FindRoute(vreq)
	if err != nil {
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("contract: %s %s is not in the OpenAPI document but answered %d", req.Method, req.URL.Path, resp.StatusCode)
		}
		return
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true,
		// A compressed body is checked by the server once inflated.
		ExcludeRequestBody: req.Header.Get("Content-Encoding") != ""}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	if reqErr != nil && (resp.StatusCode < 400 || resp.StatusCode >= 500) {
		t.Errorf("contract: %s %s %.120q: the document calls the request invalid (%v) but the server answered %d", req.Method, req.URL.Path, reqBody, short(reqErr), resp.StatusCode)
	}
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Options: opts}
	out.SetBodyBytes(raw)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("contract: %s %s answered %d, not as the document says: %v\nbody: %.600s", req.Method, req.URL.Path, resp.StatusCode, short(err), raw)
	}
	if resp.StatusCode >= 400 && json.Valid(raw) {
		var e struct {
			Code string `json:"code"`
		}
		if json.Unmarshal(raw, &e) == nil && e.Code == "" {
			t.Errorf("contract: %s %s answered %d without an error code: %.300s", req.Method, req.URL.Path, resp.StatusCode, raw)
		}
	}
}

// short is the start of a validator's message, which quotes the schema
// and the whole value.
func short(err error) string {
	s := []rune(err.Error())
	if len(s) > 300 {
		return string(s[:300]) + "…"
	}
	return string(s)
}
