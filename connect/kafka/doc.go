// Package kafka consumes the Microsoft Defender XDR streaming API from a
// Kafka topic: Azure Event Hubs' Kafka endpoint (SASL PLAIN over TLS, user
// "$ConnectionString") or a plain local broker. Each message is an Event
// Hubs envelope ({"records":[…]} of AdvancedHunting-AlertInfo and
// -AlertEvidence rows) or a single row, read by the ingest/hunting decoder
// and stored through a connect.Sink.
//
// Consume overlaps three stages: polling and decoding cut the messages
// into batches of rows; the store writes each batch in one transaction;
// a committer commits the offsets after each stored batch while the store
// writes the next. Offsets are committed only after their batch is
// stored, so a consumer killed at any moment re-reads at most the records
// it stored but had not committed; the store absorbs those repeats (they
// count as unchanged), and nothing is lost.
package kafka
