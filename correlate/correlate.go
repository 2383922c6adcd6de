package correlate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/debrief-dev/debrief"
)

// Options tune the grouping rule.
type Options struct {
	// Window is how long after a group's latest alert a new alert may
	// still join it. Default 24h.
	Window time.Duration
	// Kinds are the entity kinds that link alerts. Default: device, user,
	// mailbox, ip, file.
	Kinds []debrief.EntityKind
	// MaxAlerts closes a group when it reaches this size. Default 500.
	MaxAlerts int
	// Span is how long after its first alert an incident from an earlier
	// run may still gain alerts: correlation reads back only that far (see
	// Reach). Default 7 × Window.
	Span time.Duration
	// Alone groups the alerts of a run as if no run came before: no
	// incident of an earlier run is seeded (ingest.Correlate). The API
	// ingest sets it, so that its incidents do not depend on how requests
	// overlap.
	Alone bool
}

// DefaultKinds are the entity kinds that link alerts by default.
var DefaultKinds = []debrief.EntityKind{debrief.EntityDevice, debrief.EntityUser, debrief.EntityMailbox, debrief.EntityIP, debrief.EntityFile}

func (o Options) withDefaults() Options {
	if o.Window <= 0 {
		o.Window = 24 * time.Hour
	}
	if len(o.Kinds) == 0 {
		o.Kinds = DefaultKinds
	}
	if o.MaxAlerts <= 0 {
		o.MaxAlerts = 500
	}
	if o.Span <= 0 {
		o.Span = 7 * o.Window
	}
	return o
}

type group struct {
	alerts []summary
	keys   map[string]bool
	last   time.Time
	merged *group // set when merged into another group
	// Of a group seeded from an earlier run's incident: its source id and
	// created time, and whether it has gained alerts since.
	id      string
	created time.Time
	grew    bool
}

// summary keeps what the incident needs of an alert, not the alert.
type summary struct {
	id, title            string
	severity             debrief.Severity
	status               debrief.Status
	verdict              debrief.Verdict
	created, first, last time.Time
	updated, resolved    time.Time
	entity               string
}

// Correlator groups a time-ordered stream of alerts. Memory holds only the
// groups still open within the window.
type Correlator struct {
	opts  Options
	emit  func(debrief.Incident) error
	index map[string]*group // entity key → the open group holding it
	open  []*group
	added int
}

// New returns a Correlator that calls emit with each finished incident.
func New(opts Options, emit func(debrief.Incident) error) *Correlator {
	return &Correlator{opts: opts.withDefaults(), emit: emit, index: map[string]*group{}}
}

func resolve(g *group) *group {
	for g.merged != nil {
		g = g.merged
	}
	return g
}

// Reach says which incidents of earlier runs alerts created at or after t
// may join: those created at or after since (Span before t) whose latest
// alert is at or after open (Window before t).
func (c *Correlator) Reach(t time.Time) (since, open time.Time) {
	return t.Add(-c.opts.Span), t.Add(-c.opts.Window)
}

// Seed opens a group for in, an incident that correlation made in an
// earlier run, read with its alerts (Store.Incident), so that alerts that
// link to it join it as if they had come in that run. The group keeps in's
// id and is emitted again, as a newer version of in, only if it gains
// alerts. An incident that already holds MaxAlerts alerts, or none, stays
// closed. Seed incidents oldest first, before the first Add.
func (c *Correlator) Seed(in debrief.Incident) {
	if len(in.Alerts) == 0 || len(in.Alerts) >= c.opts.MaxAlerts {
		return
	}
	g := &group{keys: map[string]bool{}, id: in.SourceID, created: in.Times.Created}
	for _, a := range in.Alerts {
		g.alerts = append(g.alerts, summarise(a))
		if a.Created.After(g.last) {
			g.last = a.Created
		}
		for _, k := range c.keys(a) {
			g.keys[k] = true
			c.index[k] = g
		}
	}
	c.open = append(c.open, g)
}

// Add takes the next alert. Alerts must come oldest first (by Created).
func (c *Correlator) Add(a debrief.Alert) error {
	c.added++
	if c.added%1024 == 0 {
		if err := c.expire(a.Created); err != nil {
			return err
		}
	}
	keys := c.keys(a)
	var hits []*group
	for _, k := range keys {
		if g, ok := c.index[k]; ok {
			g = resolve(g)
			if a.Created.Sub(g.last) <= c.opts.Window && len(g.alerts) < c.opts.MaxAlerts && !slices.Contains(hits, g) {
				hits = append(hits, g)
			}
		}
	}
	g := pick(hits)
	if g == nil {
		g = &group{keys: map[string]bool{}}
		c.open = append(c.open, g)
	}
	for _, h := range hits {
		if h != g && h.id == "" {
			c.merge(g, h)
		}
	}
	g.alerts = append(g.alerts, summarise(a))
	g.grew = true
	if a.Created.After(g.last) {
		g.last = a.Created
	}
	for _, k := range keys {
		g.keys[k] = true
		c.index[k] = g
	}
	if len(g.alerts) >= c.opts.MaxAlerts {
		return c.close(g)
	}
	return nil
}

// pick returns the group an alert that links to hits joins: the oldest
// of them seeded from an earlier run's incident, else the first. The
// alert merges the others into it, except other seeded ones: an incident
// already stored stays whole, and the alert joins only the older.
func pick(hits []*group) *group {
	var g *group
	for _, h := range hits {
		if g == nil || h.id != "" && (g.id == "" || h.created.Before(g.created)) {
			g = h
		}
	}
	return g
}

func (c *Correlator) merge(into, from *group) {
	into.alerts = append(into.alerts, from.alerts...)
	for k := range from.keys {
		into.keys[k] = true
		c.index[k] = into
	}
	if from.last.After(into.last) {
		into.last = from.last
	}
	from.merged, from.alerts, from.keys = into, nil, nil
}

func (c *Correlator) keys(a debrief.Alert) []string {
	var out []string
	for _, e := range a.Entities {
		if slices.Contains(c.opts.Kinds, e.Kind) && e.ID != "" {
			out = append(out, e.Key())
		}
	}
	if len(out) == 0 {
		// An alert with nothing to link by stands alone.
		out = append(out, "alert:"+a.ID)
	}
	return out
}

// expire closes the groups that can no longer grow.
func (c *Correlator) expire(now time.Time) error {
	keep := c.open[:0]
	var done []*group
	for _, g := range c.open {
		switch {
		case g.merged != nil:
		case now.Sub(g.last) > c.opts.Window:
			done = append(done, g)
		default:
			keep = append(keep, g)
		}
	}
	c.open = keep
	for _, g := range done {
		if err := c.finish(g); err != nil {
			return err
		}
	}
	return nil
}

func (c *Correlator) close(g *group) error {
	c.open = slices.DeleteFunc(c.open, func(x *group) bool { return x == g })
	return c.finish(g)
}

func (c *Correlator) finish(g *group) error {
	for k := range g.keys {
		if c.index[k] == g {
			delete(c.index, k)
		}
	}
	g.merged = &group{} // never found again
	if len(g.alerts) == 0 || !g.grew {
		return nil
	}
	return c.emit(incident(g.id, g.alerts))
}

// Close emits every group still open.
func (c *Correlator) Close() error {
	open := c.open
	c.open = nil
	for _, g := range open {
		if g.merged == nil {
			if err := c.finish(g); err != nil {
				return err
			}
		}
	}
	return nil
}

func summarise(a debrief.Alert) summary {
	s := summary{id: a.ID, title: a.Title, severity: a.Severity, status: a.Status, verdict: a.Verdict,
		created: a.Created, first: a.FirstActivity, last: a.LastActivity, updated: a.Updated, resolved: a.Resolved}
	for _, e := range a.Entities {
		if e.Kind == debrief.EntityDevice || e.Kind == debrief.EntityUser || e.Kind == debrief.EntityMailbox {
			s.entity = e.Name
			if s.entity == "" {
				s.entity = e.ID
			}
			break
		}
	}
	return s
}

// incident builds the incident of a group of alerts. Its id is id, or
// for a new group ("") one derived from its first alert.
func incident(id string, alerts []summary) debrief.Incident {
	slices.SortStableFunc(alerts, func(x, y summary) int { return x.created.Compare(y.created) })
	first := alerts[0]
	if id == "" {
		sum := sha256.Sum256([]byte(first.id))
		id = hex.EncodeToString(sum[:8])
	}
	in := debrief.Incident{
		Source:   debrief.SourceCorrelate,
		SourceID: id,
		Status:   debrief.StatusResolved,
	}
	in.ID = debrief.QualifiedID(in.Source, in.SourceID)
	top := first
	verdicts := map[debrief.Verdict]bool{}
	for _, a := range alerts {
		in.AlertIDs = append(in.AlertIDs, a.id)
		if a.severity.Rank() > top.severity.Rank() {
			top = a
		}
		if !a.status.Closed() {
			in.Status = debrief.StatusNew
		}
		verdicts[a.verdict] = true
		in.Times.FirstActivity = earliest(in.Times.FirstActivity, a.first, a.created)
		in.Times.LastActivity = latest(in.Times.LastActivity, a.last, a.created)
		in.Times.Updated = latest(in.Times.Updated, a.updated, a.created)
		in.Times.Resolved = latest(in.Times.Resolved, a.resolved, time.Time{})
	}
	in.Severity = top.severity
	in.Times.Created, in.Times.FirstAlert = first.created, first.created
	if in.Status != debrief.StatusResolved {
		in.Times.Resolved = time.Time{}
	}
	if len(verdicts) == 1 {
		in.Verdict = first.verdict
	}
	in.Title = top.title
	if len(alerts) > 1 {
		related := "related alerts"
		if len(alerts) == 2 {
			related = "related alert"
		}
		in.Title = fmt.Sprintf("%s and %d %s", top.title, len(alerts)-1, related)
		if top.entity != "" {
			in.Title += " on " + top.entity
		}
	}
	return in
}

func earliest(cur, t, fallback time.Time) time.Time {
	if t.IsZero() {
		t = fallback
	}
	if cur.IsZero() || t.Before(cur) {
		return t
	}
	return cur
}

func latest(cur, t, fallback time.Time) time.Time {
	if t.IsZero() {
		t = fallback
	}
	if t.After(cur) {
		return t
	}
	return cur
}
