// Package storecodec holds what every store must compute alike: the
// content hash that decides whether a record is a new version, and the
// reader of the JSON lists (techniques, entities, strings) the stores keep
// in columns. The sqlite and postgres packages share it, so both stores
// hash and read records byte for byte the same.
package storecodec
