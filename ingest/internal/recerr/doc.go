// Package recerr collects the errors of one record of a Microsoft incident
// export (Defender XDR and Graph): the field that rejects the record, the
// fields dropped from a kept one, and the dotted path and reason of an
// unmarshal error.
package recerr
