package render_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/formats"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/render"
	"github.com/debrief-dev/debrief/render/navigator"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

// TestSamplesRenderInEveryFormat decodes every vendor sample in
// ../shared/data/samples, normalises it, reviews its incidents (lone
// alerts as one incident per file) and renders the review in every
// format.
func TestSamplesRenderInEveryFormat(t *testing.T) {
	dir := testutil.SharedData(t, "samples")
	files, err := filepath.Glob(filepath.Join(dir, "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	opts := reviewtest.Options(t)
	reviewed := 0
	for _, file := range files {
		rel, _ := filepath.Rel(dir, file)
		t.Run(rel, func(t *testing.T) {
			ins := decodeSample(t, file, opts.Catalog)
			if len(ins) == 0 {
				t.Skipf("no decoder reads %s yet", rel)
			}
			r, err := review.Build(ins, opts)
			if err != nil {
				t.Fatal(err)
			}
			reviewed++
			for _, rd := range render.All() {
				var b bytes.Buffer
				if err := rd.Render(&b, r); err != nil || b.Len() == 0 {
					t.Errorf("%s: %d bytes, %v", rd.Name(), b.Len(), err)
				}
			}
			if err := navigator.Validate(navigator.FromReview(r), opts.Catalog); err != nil {
				t.Errorf("navigator layer: %v", err)
			}
		})
	}
	if reviewed == 0 {
		t.Error("no sample was reviewed")
	}
}

func decodeSample(t *testing.T, file string, cat *attack.Catalog) []*debrief.Incident {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var dec ingest.Decoder
	for _, d := range formats.All() {
		if d.Sniff(data[:min(len(data), 64<<10)]) {
			dec = d
			break
		}
	}
	if dec == nil {
		return nil
	}
	var ins []*debrief.Incident
	loose := &debrief.Incident{ID: "sample:" + filepath.Base(file), Source: "sample", SourceID: filepath.Base(file),
		Title: "Alerts of " + filepath.Base(file)}
	for rec, err := range dec.Decode(context.Background(), bytes.NewReader(data), file) {
		if err != nil {
			if _, ok := err.(*debrief.RecordError); ok {
				t.Logf("%v", err)
				continue
			}
			t.Fatalf("%s: %v", dec.Name(), err)
		}
		switch {
		case rec.Incident != nil:
			ins = append(ins, rec.Incident)
		case rec.Partial:
			merge(loose, rec.Alert)
		default:
			loose.Alerts = append(loose.Alerts, *rec.Alert)
		}
	}
	if len(loose.Alerts) > 0 {
		ins = append(ins, loose)
	}
	counts := ingest.Counts{Unknown: map[debrief.TechniqueID]int{}, Revoked: map[debrief.TechniqueID]string{}}
	for _, in := range ins {
		for i := range in.Alerts {
			ingest.Normalise(ingest.Catalog(cat), &in.Alerts[i], &counts)
		}
	}
	t.Logf("%s: %s, %d incidents, %s", filepath.Base(file), dec.Name(), len(ins), describe(ins))
	return ins
}

// merge adds a partial alert's entities to the alert it completes.
func merge(in *debrief.Incident, a *debrief.Alert) {
	for i := range in.Alerts {
		if in.Alerts[i].ID == a.ID {
			in.Alerts[i].Entities = append(in.Alerts[i].Entities, a.Entities...)
			return
		}
	}
	if !a.Created.IsZero() {
		in.Alerts = append(in.Alerts, *a)
	}
}

func describe(ins []*debrief.Incident) string {
	n, techs := 0, 0
	for _, in := range ins {
		n += len(in.Alerts)
		for _, a := range in.Alerts {
			techs += len(a.Techniques)
		}
	}
	return fmt.Sprintf("%d alerts, %d technique labels", n, techs)
}
