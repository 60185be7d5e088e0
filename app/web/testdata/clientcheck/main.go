// Command clientcheck uses the Go client that oapi-codegen generates from
// BreachDesk's OpenAPI document (client.gen.go, written beside it by
// TestGeneratedClient): it opens a case, saves its facts and reads its
// obligations, each through the client's typed fields.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"time"
)

func main() {
	server := flag.String("server", "", "the API's base URL, …/api/v1")
	token := flag.String("token", "", "an API token")
	awareText := flag.String("aware", "", "the case's aware_at (RFC 3339)")
	flag.Parse()
	aware, err := time.Parse(time.RFC3339, *awareText)
	if err != nil {
		log.Fatal(err)
	}
	bearer := func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+*token)
		return nil
	}
	api, err := NewClientWithResponses(*server, WithRequestEditorFn(bearer))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	created, err := api.CreateCaseWithResponse(ctx, CreateCaseJSONRequestBody{
		Title:        "Card data leak at the web shop",
		AwareAt:      aware,
		IncidentType: NewCaseInputIncidentTypeUnauthorizedAccess,
	})
	if err != nil || created.JSON201 == nil {
		log.Fatalf("create case: %v %d %s", err, created.StatusCode(), created.Body)
	}
	c := created.JSON201.Case
	fmt.Printf("created case %s (id %d, phase %s, severity %s)\n", c.Reference, c.Id, c.Phase, c.Severity)

	persons := int64(1200)
	yes := true
	saved, err := api.SaveAssessmentWithResponse(ctx, c.Id, &SaveAssessmentParams{}, SaveAssessmentJSONRequestBody{
		DataItems:       &[]ObligationFactsInputDataItems{ObligationFactsInputDataItemsCardNumber, ObligationFactsInputDataItemsName},
		PersonsAffected: &persons,
		Residents:       &map[string]int64{"JP": persons},
		ExternalAccess:  &yes,
	})
	if err != nil || saved.JSON200 == nil {
		log.Fatalf("save facts: %v %d %s", err, saved.StatusCode(), saved.Body)
	}
	fmt.Printf("saved facts as version %d (%d obligation changes)\n", saved.JSON200.Version, len(saved.JSON200.Changes))

	obs, err := api.ListObligationsWithResponse(ctx, c.Id, &ListObligationsParams{})
	if err != nil || obs.JSON200 == nil {
		log.Fatalf("obligations: %v %d %s", err, obs.StatusCode(), obs.Body)
	}
	for _, o := range obs.JSON200.Obligations {
		due := "no fixed deadline"
		if o.DueAt != nil {
			due = "due " + o.DueAt.Format(time.RFC3339)
		}
		fmt.Printf("obligation %s (%s) to %s: %s\n", o.RuleId, o.Status, o.Recipient.En, due)
	}
}
