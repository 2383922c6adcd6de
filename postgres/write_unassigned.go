package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/debrief-dev/debrief"
	"github.com/jackc/pgx/v5"
)

// UnassignedAlertsOf is UnassignedAlerts over the alerts named by ids
// alone: those of them that are stored, whole (not only partial records)
// and linked to no incident, oldest first. An ingest that correlates the
// alerts it wrote reads them so, at a cost that does not grow with what
// other writers left unassigned.
func (s *Store) UnassignedAlertsOf(ctx context.Context, ids []string, fn func(debrief.Alert) error) error {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return nil
	}
	var pks []int64
	err := s.conn(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT a.pk FROM alerts a
			WHERE a.tenant = $1 AND a.id = ANY($2) AND NOT a.partial
			AND NOT EXISTS (SELECT 1 FROM incident_alerts ia WHERE ia.tenant = a.tenant AND ia.alert_id = a.id)
			ORDER BY a.created NULLS FIRST, a.id`, s.tenant, ids)
		if err != nil {
			return err
		}
		pks, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	if err != nil {
		return fmt.Errorf("unassigned alerts: %w", err)
	}
	return s.eachUnassigned(ctx, pks, fn)
}
