package d3fend

// The reference mapping lives in the shared data folder beside the module;
// the product never reads it at run time, only this generator does.
//go:generate go run ./internal/d3fendgen -in ../../shared/data/d3fend -out data
