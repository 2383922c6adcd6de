package jsonout_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/render/jsonout"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

func TestRender(t *testing.T) {
	opts := reviewtest.Options(t)
	opts.Sections = reviewtest.Sections()
	r, err := review.Build(reviewtest.Slice(reviewtest.Incident()), opts)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := (jsonout.Renderer{}).Render(&b, r); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "TestRender", b.Bytes())
}

// The JSON is the whole model: it decodes to an equal review.
func TestRoundTrip(t *testing.T) {
	r := reviewtest.Build(t, reviewtest.Hostile(), reviewtest.Large(50))
	var b bytes.Buffer
	if err := (jsonout.Renderer{}).Render(&b, r); err != nil {
		t.Fatal(err)
	}
	var back review.Review
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r, &back) {
		t.Error("the decoded review differs from the rendered one")
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil || doc["schema_version"] != review.SchemaVersion {
		t.Errorf("schema_version %v, want %s (%v)", doc["schema_version"], review.SchemaVersion, err)
	}
}
