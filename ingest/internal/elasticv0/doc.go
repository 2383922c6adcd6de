// Package elasticv0 is the Elastic Security decoder and ingest.Normalise
// as they were at commit ece6c98, before the work on issue #3's decode
// speed: the baseline that BenchmarkDecodeNormaliseBaseline (in ingest and
// ingest/elastic) measures in the same run as today's path, so that the
// bench table shows their ratio. Nothing else uses it; do not change it
// but to follow changes of the APIs it calls.
package elasticv0
