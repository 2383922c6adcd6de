package wire_test

import (
	"testing"

	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json/jsontext"
)

func TestPath(t *testing.T) {
	tests := []struct {
		ptr  jsontext.Pointer
		want string
	}{
		{"", ""},
		{"/title", "title"},
		{"/alerts/2/title", "alerts[2].title"},
		{"/0/a~1b", "[0].a/b"},
	}
	for _, tt := range tests {
		if got := wire.Path(tt.ptr); got != tt.want {
			t.Errorf("Path(%q) = %q, want %q", tt.ptr, got, tt.want)
		}
	}
}
