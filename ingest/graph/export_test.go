package graph

// The generators of decode_test.go, for the benchmarks of the external
// test package (bench_test.go).
var (
	GenerateAlerts    = generateAlerts
	GenerateIncidents = generateIncidents
)
