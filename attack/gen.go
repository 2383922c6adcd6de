package attack

//go:generate go run ./internal/attackgen -out data
