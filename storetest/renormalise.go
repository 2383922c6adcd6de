package storetest

import (
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// testRenormalise: a record whose raw bytes are those of the stored current
// version but whose decoded content differs (a newer decoder) replaces that
// version's content in place and counts as renormalised: no version, no
// history; the same record again is unchanged, and a record with other raw
// bytes is a version as before. A renormalised version that a newer one
// has since replaced is a known version.
func testRenormalise(t *testing.T, open func() debrief.Store) {
	s := open()
	vs := sentinelVersions()
	renormalised := func(in debrief.Incident) debrief.Incident {
		in.Times.Contained = in.Times.Updated.Add(time.Minute) // decoded from a comment
		in.OwnTactics = []string{"collection"}
		return in
	}
	r1, r2 := renormalised(vs[0]), renormalised(vs[1])
	wantResult(t, "v1", write(t, s, incRec(vs[0])), debrief.WriteResult{IncidentsNew: 1})
	wantResult(t, "v1 decoded anew", write(t, s, incRec(r1)), debrief.WriteResult{IncidentsRenormalised: 1})
	same(t, "after v1 decoded anew", incident(t, s, r1.ID), expect(r1))
	wantResult(t, "v1 decoded anew again", write(t, s, incRec(r1)), debrief.WriteResult{IncidentsUnchanged: 1})
	wantResult(t, "v2", write(t, s, incRec(vs[1])), debrief.WriteResult{IncidentsUpdated: 1})
	want := vs[1]
	want.History = sentinelHistory()[:3]
	same(t, "after v2", incident(t, s, want.ID), expect(want))
	wantResult(t, "v2 decoded anew", write(t, s, incRec(r2)), debrief.WriteResult{IncidentsRenormalised: 1})
	want = r2
	want.History = sentinelHistory()[:3]
	same(t, "after v2 decoded anew", incident(t, s, want.ID), expect(want))
	wantResult(t, "v3", write(t, s, incRec(vs[2])), debrief.WriteResult{IncidentsUpdated: 1})
	wantResult(t, "v2 decoded anew after v3", write(t, s, incRec(r2)), debrief.WriteResult{IncidentsUnchanged: 1})
	want = vs[2]
	want.History = sentinelHistory()
	same(t, "after v3", incident(t, s, want.ID), expect(want))
	// An older version decoded anew once more: its stored version takes
	// the new decoding, with no version and no raw record added.
	r1b := r1
	r1b.OwnTactics = []string{"exfiltration"}
	wantResult(t, "v1 decoded anew after v3", write(t, s, incRec(r1b)), debrief.WriteResult{IncidentsRenormalised: 1})
	wantResult(t, "v1 decoded anew after v3, again", write(t, s, incRec(r1b)), debrief.WriteResult{IncidentsUnchanged: 1})
	same(t, "after v1 decoded anew after v3", incident(t, s, want.ID), expect(want))

	a := loneAlert(1, at(time.Hour))
	a.Updated = at(time.Hour)
	b := a
	b.Status, b.Updated, b.Raw = debrief.StatusActive, at(2*time.Hour), []byte(`{"status":"active"}`)
	c := b
	c.Status, c.Updated, c.Raw = debrief.StatusResolved, at(3*time.Hour), []byte(`{"status":"closed"}`)
	alertAnew := func(a debrief.Alert) debrief.Alert {
		a.Tactics = []string{"credential-access"}
		a.ThreatNames = []string{"Mimikatz"}
		return a
	}
	ra, rb := alertAnew(a), alertAnew(b)
	wantResult(t, "alert", write(t, s, alertRec(a)), debrief.WriteResult{AlertsNew: 1})
	wantResult(t, "alert decoded anew", write(t, s, alertRec(ra)), debrief.WriteResult{AlertsRenormalised: 1})
	same(t, "after alert decoded anew", alert(t, s, a.ID), ra)
	wantResult(t, "alert decoded anew again", write(t, s, alertRec(ra)), debrief.WriteResult{AlertsUnchanged: 1})
	wantResult(t, "alert v2", write(t, s, alertRec(b)), debrief.WriteResult{AlertsUpdated: 1})
	same(t, "after alert v2", alert(t, s, a.ID), b)
	wantResult(t, "alert v2 decoded anew", write(t, s, alertRec(rb)), debrief.WriteResult{AlertsRenormalised: 1})
	same(t, "after alert v2 decoded anew", alert(t, s, a.ID), rb)
	wantResult(t, "alert v3", write(t, s, alertRec(c)), debrief.WriteResult{AlertsUpdated: 1})
	wantResult(t, "alert v2 decoded anew after v3", write(t, s, alertRec(rb)), debrief.WriteResult{AlertsUnchanged: 1})
	same(t, "after alert v3", alert(t, s, a.ID), c)
	rb2 := rb
	rb2.ThreatNames = []string{"Mimikatz", "LSASS dumper"}
	wantResult(t, "alert v2 decoded anew after v3, once more", write(t, s, alertRec(rb2)), debrief.WriteResult{AlertsRenormalised: 1})
	wantResult(t, "alert v2 decoded anew after v3, once more, again", write(t, s, alertRec(rb2)), debrief.WriteResult{AlertsUnchanged: 1})
	same(t, "after the older alert decoded anew", alert(t, s, a.ID), c)
}
