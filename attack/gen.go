package attack

// The reference bundles live in the shared data folder beside the module;
// the product never reads them at run time, only this generator does.
//go:generate go run ./internal/attackgen -in ../../shared/data/attack -out data
