package d3fend

//go:generate go run ./internal/d3fendgen -out data
