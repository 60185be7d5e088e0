package scoping

import (
	"slices"
	"strings"

	"github.com/breachdesk/breachdesk/app/obligations"
)

// sortBrands orders brand counts by persons, most first, then by name;
// the orders without a brand last.
func sortBrands(bs []BrandCount) {
	slices.SortFunc(bs, func(a, b BrandCount) int {
		if (a.Brand == "") != (b.Brand == "") {
			if a.Brand == "" {
				return 1
			}
			return -1
		}
		if a.Persons != b.Persons {
			if a.Persons > b.Persons {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Brand, b.Brand)
	})
}

// sortedItems orders data items as the vocabulary lists them.
func sortedItems(items []string) []string {
	var out []string
	for _, k := range obligations.KnownDataItems {
		if slices.Contains(items, string(k.Item)) {
			out = append(out, string(k.Item))
		}
	}
	return out
}
