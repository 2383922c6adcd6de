package rules

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"runtime"

	"github.com/debrief-dev/debrief"
)

// Load walks paths (files or folders), decodes the files of corpus c on
// opts.Workers goroutines, normalises each rule with opts.Catalog and
// yields the rules in walk order (files sorted by path). An undecodable
// file is yielded as a *FileError and the walk goes on; a path that does
// not exist, or a cancelled ctx, ends it with a plain error.
func Load(ctx context.Context, c Corpus, paths []string, opts Options) iter.Seq2[debrief.Rule, error] {
	return func(yield func(debrief.Rule, error) bool) {
		files, err := walk(paths, c.Match)
		if err != nil {
			yield(debrief.Rule{}, err)
			return
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		slots := decodeAll(ctx, files, opts, func(f string) ([]debrief.Rule, error) { return decodeFile(c, f, opts) })
		for i := range files {
			var res result
			select {
			case res = <-slots[i]:
			case <-ctx.Done():
				yield(debrief.Rule{}, ctx.Err())
				return
			}
			if !emit(res, yield) {
				return
			}
		}
	}
}

type result struct {
	rules []debrief.Rule
	err   error
}

func emit(res result, yield func(debrief.Rule, error) bool) bool {
	if res.err != nil {
		return yield(debrief.Rule{}, res.err)
	}
	for _, r := range res.rules {
		if !yield(r, nil) {
			return false
		}
	}
	return true
}

// decodeAll starts the workers; slot i receives file i's result. At most
// a window of results waits ahead of the consumer.
func decodeAll(ctx context.Context, files []string, opts Options, fn func(string) ([]debrief.Rule, error)) []chan result {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	slots := make([]chan result, len(files))
	for i := range slots {
		slots[i] = make(chan result, 1)
	}
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for i := range files {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		go func() {
			for i := range jobs {
				rs, err := fn(files[i])
				slots[i] <- result{rs, err}
			}
		}()
	}
	return slots
}

func decodeFile(c Corpus, file string, opts Options) ([]debrief.Rule, error) {
	data, err := readFile(file)
	if err != nil {
		return nil, &FileError{File: file, Reason: err.Error(), Err: err}
	}
	rs, err := c.Decode(data, file)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		rs[i].File = file
		if rs[i].Corpus == "" {
			rs[i].Corpus = c.Name
		}
		Normalise(&rs[i], opts.Catalog)
	}
	return rs, nil
}

func readFile(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() <= MaxFile {
		b.Grow(int(st.Size()) + bytes.MinRead) // one allocation: ReadFrom wants MinRead free at EOF
	}
	if _, err := b.ReadFrom(io.LimitReader(f, MaxFile+1)); err != nil {
		return nil, err
	}
	data := b.Bytes()
	if len(data) > MaxFile {
		return nil, fmt.Errorf("larger than %d MiB, not a rule file", MaxFile>>20)
	}
	return data, nil
}

// walk lists the files to decode: paths that are files as given, and the
// files of folders that match, sorted by path within each folder.
func walk(paths []string, match func(string) bool) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (match == nil || match(path)) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("rules: walk %s: %w", p, err)
		}
	}
	return files, nil
}
