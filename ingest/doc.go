// Package ingest reads vendor exports into debrief's model and stores them.
//
// Each vendor format has its own package under ingest/ implementing Decoder;
// formats.All lists them all, and Run picks one from the first bytes of an
// input, reading on (up to 4 MiB, streaming) when those do not tell. Run walks files, folders, .gz files and stdin, normalises ATT&CK ids
// through the catalog, writes batches to the store and reports what it read,
// stored and rejected.
package ingest
