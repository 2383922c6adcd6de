// Package formats lists every vendor format debrief reads, in the order
// format identification tries them.
package formats

import (
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/defender"
	"github.com/debrief-dev/debrief/ingest/elastic"
	"github.com/debrief-dev/debrief/ingest/graph"
	"github.com/debrief-dev/debrief/ingest/hunting"
	"github.com/debrief-dev/debrief/ingest/ocsf"
	"github.com/debrief-dev/debrief/ingest/sentinel"
	"github.com/debrief-dev/debrief/ingest/wazuh"
)

// All returns one decoder of each format. The most specific marks come
// first: a Graph incident never looks like a Defender API one, but an
// Elastic document may embed Wazuh fields, so Elastic is tried before Wazuh.
func All() []ingest.Decoder {
	return []ingest.Decoder{
		defender.New(),
		graph.New(),
		hunting.New(),
		sentinel.New(),
		ocsf.New(),
		elastic.New(),
		wazuh.New(),
	}
}
