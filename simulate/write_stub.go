package simulate

import "time"

type sentinelWriter struct {
	seed                 uint64
	tenant, subscription string
}
type elasticWriter struct{ seed uint64 }
type wazuhWriter struct{}
type ocsfWriter struct{ seed uint64 }

func (*sentinelWriter) ext() string                        { return "ndjson" }
func (*sentinelWriter) head(e *enc, _ time.Time)           {}
func (*sentinelWriter) tail(e *enc)                        {}
func (*sentinelWriter) event(e *enc, ev *Event) (int, int) { return 0, 0 }
func (*elasticWriter) ext() string                         { return "ndjson" }
func (*elasticWriter) head(e *enc, _ time.Time)            {}
func (*elasticWriter) tail(e *enc)                         {}
func (*elasticWriter) event(e *enc, ev *Event) (int, int)  { return 0, 0 }
func (*wazuhWriter) ext() string                           { return "json" }
func (*wazuhWriter) head(e *enc, _ time.Time)              {}
func (*wazuhWriter) tail(e *enc)                           {}
func (*wazuhWriter) event(e *enc, ev *Event) (int, int)    { return 0, 0 }
func (*ocsfWriter) ext() string                            { return "ndjson" }
func (*ocsfWriter) head(e *enc, _ time.Time)               {}
func (*ocsfWriter) tail(e *enc)                            {}
func (*ocsfWriter) event(e *enc, ev *Event) (int, int)     { return 0, 0 }
