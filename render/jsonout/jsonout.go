package jsonout

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/debrief-dev/debrief/review"
)

// Renderer writes the review model as indented JSON. The zero value is
// ready to use.
type Renderer struct{}

// Name returns "json".
func (Renderer) Name() string { return "json" }

// MediaType returns "application/json".
func (Renderer) MediaType() string { return "application/json" }

// Ext returns ".json".
func (Renderer) Ext() string { return ".json" }

// Render writes r as JSON, two-space indented, one trailing newline.
func (Renderer) Render(w io.Writer, r *review.Review) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("render json: %w", err)
	}
	return nil
}
