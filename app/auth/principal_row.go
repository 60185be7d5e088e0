package auth

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/store"
)

// principalRow is what authenticating one request reads in a single round
// trip: the session or token (one of the two), its user, the user's role
// in the organisation it is bound to and that organisation. Role and the
// organisation's columns are NULL when the membership or the organisation
// is gone. Every request is authenticated, so four queries becoming one
// is felt on every page.
type principalRow struct {
	Session      session      `gorm:"embedded;embeddedPrefix:s_"`
	Token        APIToken     `gorm:"embedded;embeddedPrefix:t_"`
	User         User         `gorm:"embedded;embeddedPrefix:u_"`
	Role         *Role        `gorm:"column:m_role"`
	Organisation Organisation `gorm:"embedded;embeddedPrefix:o_"`
	// OrgCount is how many organisations the user is a member of.
	OrgCount int64 `gorm:"column:org_count"`
}

// principal is the row's principal: in its organisation when the user may
// still act there (a member, or an operator), else in none (ok false).
func (r principalRow) principal() (p Principal, ok bool) {
	p = Principal{User: r.User, MultipleOrganisations: r.User.IsOperator || r.OrgCount > 1}
	if r.Organisation.ID == 0 || (r.Role == nil && !r.User.IsOperator) {
		return p, false
	}
	p.Organisation = r.Organisation
	if r.Role != nil {
		p.Role = *r.Role
	}
	return p, true
}

// principalQueries are principalRow's SELECT for a session and for an API
// token, built from the models' columns so that a new column is read
// without touching them.
type principalQueries struct{ session, token string }

func buildPrincipalQueries(db *gorm.DB) (principalQueries, error) {
	var q principalQueries
	// x is the session or the token.
	var cols [4]string
	for i, m := range []struct {
		model         any
		alias, prefix string
	}{{&User{}, "u", "u_"}, {&Organisation{}, "o", "o_"}, {&session{}, "x", "s_"}, {&APIToken{}, "x", "t_"}} {
		var err error
		if cols[i], err = columnsAs(db, m.model, m.alias, m.prefix); err != nil {
			return q, err
		}
	}
	user, org, sess, tok := cols[0], cols[1], cols[2], cols[3]
	tail := func(owner string) string {
		return `, m.role AS m_role, ` + org + `,
			(SELECT count(*) FROM memberships WHERE user_id = u.id) AS org_count
			FROM ` + owner + `
			JOIN users u ON u.id = x.user_id AND u.disabled_at IS NULL
			LEFT JOIN memberships m ON m.user_id = x.user_id AND m.organisation_id = x.organisation_id
			LEFT JOIN organisations o ON o.id = x.organisation_id`
	}
	q.session = `SELECT ` + sess + `, ` + user + tail("sessions x") +
		` WHERE x.id_hash = ? AND x.expires_at > ?`
	q.token = `SELECT ` + tok + `, ` + user + tail("api_tokens x") +
		` WHERE x.token_hash = ? AND x.revoked_at IS NULL AND x.expires_at > ?`
	return q, nil
}

// columnsAs lists model's columns as "alias.col AS prefixcol".
func columnsAs(db *gorm.DB, model any, alias, prefix string) (string, error) {
	names, err := store.Columns(db, model)
	if err != nil {
		return "", err
	}
	cols := make([]string, len(names))
	for i, c := range names {
		cols[i] = alias + "." + c + " AS " + prefix + c
	}
	return strings.Join(cols, ", "), nil
}

// loadPrincipalRow reads the row of a session (token false) or an API
// token by its hash; ErrUnauthenticated when there is none or the user is
// disabled.
func (s *Service) loadPrincipalRow(ctx context.Context, hash []byte, token bool) (principalRow, error) {
	var row principalRow
	db := s.st.DB.WithContext(ctx)
	if token {
		db = db.Raw(s.principalSQL.token, hash, s.now())
	} else {
		db = db.Raw(s.principalSQL.session, hash, s.now())
	}
	res := db.Scan(&row)
	if res.Error != nil {
		return row, res.Error
	}
	if res.RowsAffected == 0 {
		return row, apperr.ErrUnauthenticated
	}
	return row, nil
}
