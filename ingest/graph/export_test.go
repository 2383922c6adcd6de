package graph

// The generators of decode_test.go, for the benchmarks of the external
// test package (bench_test.go).
var (
	GenerateAlerts    = generateAlerts
	GenerateIncidents = generateIncidents
)

// SetSinglePass turns the one-pass decoding of records on or off and
// returns a function that restores it.
func SetSinglePass(on bool) (restore func()) {
	old := singlePass
	singlePass = on
	return func() { singlePass = old }
}
