// Package notifications is the in-app notification list: deadline
// reminders and other messages for one user in one organisation.
package notifications

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/breachdesk/breachdesk/app/apperr"
	"github.com/breachdesk/breachdesk/app/audit"
	"github.com/breachdesk/breachdesk/app/auth"
	"github.com/breachdesk/breachdesk/app/store"
)

// Notification is one message for a user.
type Notification struct {
	ID             int64      `json:"id"`
	OrganisationID int64      `json:"-"`
	UserID         int64      `json:"-"`
	CaseID         *int64     `json:"case_id"`
	Title          string     `json:"title"`
	Body           string     `json:"body"`
	Link           string     `json:"link"`
	EmailedAt      *time.Time `json:"emailed_at"`
	ReadAt         *time.Time `json:"read_at"`
	CreatedAt      time.Time  `json:"created_at"`
}

// List returns the principal's newest notifications in the current
// organisation.
func List(ctx context.Context, st *store.Store, p *auth.Principal, limit int) ([]Notification, error) {
	var out []Notification
	err := st.DB.WithContext(ctx).Where("user_id = ? AND organisation_id = ?", p.User.ID, p.OrgID()).Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// Page returns limit of the principal's notifications in the current
// organisation from offset on, newest first, and how many there are in
// all: the API pages through them where the pages show the newest only.
func Page(ctx context.Context, st *store.Store, p *auth.Principal, limit, offset int) ([]Notification, int64, error) {
	var out []Notification
	var total int64
	mine := func() *gorm.DB {
		return st.DB.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND organisation_id = ?", p.User.ID, p.OrgID())
	}
	if err := mine().Count(&total).Error; err != nil {
		return nil, 0, err
	}
	err := mine().Order("id DESC").Limit(limit).Offset(offset).Find(&out).Error
	return out, total, err
}

// Unread counts the principal's unread notifications.
func Unread(ctx context.Context, st *store.Store, p *auth.Principal) (int64, error) {
	var n int64
	err := st.DB.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND organisation_id = ? AND read_at IS NULL", p.User.ID, p.OrgID()).Count(&n).Error
	return n, err
}

// MarkRead marks one of the principal's notifications read; anyone
// else's answers apperr.ErrNotFound.
func MarkRead(ctx context.Context, st *store.Store, p *auth.Principal, id int64) error {
	return st.InTx(ctx, func(tx *store.Tx) error {
		res := tx.DB.Model(&Notification{}).Where("id = ? AND user_id = ? AND organisation_id = ?", id, p.User.ID, p.OrgID()).
			Update("read_at", tx.Now())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.ErrNotFound
		}
		return audit.Record(ctx, tx, audit.Entry{OrganisationID: p.OrgID(), Action: "notification.read", TargetType: "notification", TargetID: strconv.FormatInt(id, 10)})
	})
}
