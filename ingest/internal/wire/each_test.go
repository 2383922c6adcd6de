package wire_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

func TestEach(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name      string
		ctx       context.Context
		in        string
		stopAfter int // one returns false on this good record; 0 never
		seen      int
		good      int
		errs      []string // "line/record:reason part", or the error
	}{
		{name: "good and bad lines", ctx: context.Background(), in: "{\"a\":1}\n{bad\n{\"a\":2}\n",
			seen: 3, good: 2, errs: []string{"2/2:not a complete JSON object"}},
		{name: "fatal", ctx: context.Background(), in: `[{"a":1}, {"a":`,
			seen: 2, good: 1, errs: []string{"0/2:"}},
		{name: "one stops", ctx: context.Background(), in: "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n", stopAfter: 2,
			seen: 2, good: 2},
		{name: "canceled", ctx: canceled, in: "{\"a\":1}\n{\"a\":2}\n",
			seen: 1, errs: []string{"context canceled"}},
		{name: "empty", ctx: context.Background(), in: "  \n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errs []error
			good := 0
			yield := func(_ debrief.Record, err error) bool {
				errs = append(errs, err)
				return true
			}
			seen := wire.Each(tt.ctx, strings.NewReader(tt.in), "f.json", yield, func(wire.Item) bool {
				good++
				return good != tt.stopAfter
			})
			if seen != tt.seen || good != tt.good || len(errs) != len(tt.errs) {
				t.Fatalf("seen %d, good %d, errors %v; want %d, %d, %v", seen, good, errs, tt.seen, tt.good, tt.errs)
			}
			for i, err := range errs {
				var re *debrief.RecordError
				if !errors.As(err, &re) {
					if err.Error() != tt.errs[i] {
						t.Errorf("error %d = %v, want %s", i, err, tt.errs[i])
					}
					continue
				}
				line, reason, _ := strings.Cut(tt.errs[i], ":")
				if got := re.File + ":" + strconv.Itoa(re.Line) + "/" + strconv.Itoa(re.Record); got != "f.json:"+line || !strings.Contains(re.Reason, reason) {
					t.Errorf("error %d = %+v, want %s", i, *re, tt.errs[i])
				}
			}
		})
	}
}
