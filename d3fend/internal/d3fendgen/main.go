// Command d3fendgen writes the embedded D3FEND snapshot of package d3fend
// from the D3FEND reference data in the -in directory (d3fend/gen.go names it):
// attack-to-d3fend.json and d3fend-techniques.json become data/d3fend.json.gz,
// and D3FEND's LICENSE.txt is copied unchanged beside it.
//
// It runs through go generate in the d3fend directory:
//
//	//go:generate go run ./internal/d3fendgen -out data
//
// The output depends only on the input, so a second run changes no byte.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/debrief-dev/debrief/d3fend/internal/snapshot"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "d3fendgen:", err)
		os.Exit(1)
	}
}

// Input and output file names.
const (
	mappingFile    = "attack-to-d3fend.json"
	techniquesFile = "d3fend-techniques.json"
	licenseFile    = "LICENSE.txt"
	snapshotFile   = "d3fend.json.gz"
)

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("d3fendgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "directory with the D3FEND reference data (required; gen.go names it)")
	out := fs.String("out", "", "directory to write "+snapshotFile+" and "+licenseFile+" into (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("usage: d3fendgen -in DIR -out DIR (see d3fend/gen.go)")
	}
	return generate(*in, *out)
}

// generate reads the reference data in dir and writes the snapshot and the
// licence into out.
func generate(dir, out string) error {
	snap, err := build(filepath.Join(dir, mappingFile), filepath.Join(dir, techniquesFile))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := snapshot.Write(&buf, snap); err != nil {
		return err
	}
	license, err := readInput(filepath.Join(dir, licenseFile))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(out, snapshotFile), buf.Bytes()); err != nil {
		return err
	}
	return writeIfChanged(filepath.Join(out, licenseFile), license)
}

// readInput reads one input file, saying which file is missing and where it
// comes from when it is absent.
func readInput(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s is absent: the D3FEND reference data (the -in DIR) is needed to regenerate the snapshot", path)
	}
	if err != nil {
		return nil, fmt.Errorf("read input: %w", err)
	}
	return b, nil
}

// writeIfChanged replaces path with data through a temporary file, and
// leaves it alone when it already holds data.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
