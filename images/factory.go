package images

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Factory builds the steps of a plan.
type Factory struct {
	Engine *Engine
	Go     *GoBuilder
	Files  fs.FS     // images/files
	LogDir string    // one log file per step
	Out    io.Writer // status lines
	Jobs   int       // steps at once (at most one Go build at a time)

	refs   map[string]string // recipe name -> current ref
	hasher *Hasher
	tags   map[string][]string // repository -> tags, listed once by NewPlanner's inventory
}

// NewFactory returns a factory whose caches and logs live under cacheDir.
func NewFactory(engine *Engine, cacheDir string, out io.Writer) *Factory {
	return &Factory{
		Engine: engine,
		Go:     &GoBuilder{CacheDir: cacheDir},
		Files:  Files,
		LogDir: filepath.Join(cacheDir, "logs", "images"),
		Out:    out,
		Jobs:   3,
	}
}

// Inventory is the engine's images plus the factory's binary cache.
func (f *Factory) Inventory() Inventory { return factoryInventory{f} }

type factoryInventory struct{ f *Factory }

// Tags answers from one listing of every fabkind.local image per factory,
// not one engine call per recipe.
func (i factoryInventory) Tags(ctx context.Context, repo string) ([]string, error) {
	if i.f.tags == nil {
		all, err := i.f.Engine.RegistryTags(ctx)
		if err != nil {
			return nil, err
		}
		i.f.tags = all
	}
	return i.f.tags[repo], nil
}
func (i factoryInventory) HasBinaries(g GoBuild, hash string) bool { return i.f.Go.Has(g, hash) }

// NewPlanner returns a planner over the catalog for this machine's Go.
func (f *Factory) NewPlanner(ctx context.Context) (*Planner, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOVERSION: %w (the factory compiles with the go command)", err)
	}
	f.hasher = &Hasher{GoVersion: strings.TrimSpace(string(out)), Files: f.Files, Recipes: Catalog, Builds: GoBuilds}
	return &Planner{Hasher: f.hasher, Inventory: f.Inventory()}, nil
}

// StepError is a failed step: which one, why, and where its whole log is.
type StepError struct {
	Step string
	Log  string
	Err  error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("%s failed: %v (full log: %s)", e.Step, e.Err, e.Log)
}

func (e *StepError) Unwrap() error { return e.Err }

// Execute runs the plan's steps in dependency order, several at a time. Each
// step prints a status line when it starts and one with its duration when
// it ends. On the first failure no new step starts; running ones finish, and
// everything already built stays, so a rerun resumes.
func (f *Factory) Execute(ctx context.Context, plan *Plan) error {
	f.refs = map[string]string{}
	for _, it := range plan.Items {
		f.refs[it.Recipe.Name] = it.Ref
	}
	if err := os.MkdirAll(f.LogDir, 0o755); err != nil {
		return err
	}
	if f.Jobs < 1 {
		f.Jobs = 1
	}
	type result struct {
		id  string
		err error
	}
	done := map[string]bool{}
	started := map[string]bool{}
	results := make(chan result)
	running, goRunning := 0, 0
	var failures []error
	start := time.Now()
	for {
		if len(failures) == 0 && ctx.Err() == nil {
			// Go builds first: they are the long, CPU-bound critical path.
			for _, s := range byKindFirst(plan.Steps, StepGo) {
				if started[s.ID()] || running >= f.Jobs || (s.Kind == StepGo && goRunning > 0) {
					continue
				}
				ready := true
				for _, d := range s.Deps {
					ready = ready && done[d]
				}
				if !ready {
					continue
				}
				started[s.ID()] = true
				running++
				if s.Kind == StepGo {
					goRunning++
				}
				go func(s Step) { results <- result{s.ID(), f.runStep(ctx, s)} }(s)
			}
		}
		if running == 0 {
			break
		}
		r := <-results
		running--
		if strings.HasPrefix(r.id, string(StepGo)+"/") {
			goRunning--
		}
		if r.err != nil {
			failures = append(failures, r.err)
			continue
		}
		done[r.id] = true
	}
	if len(failures) > 0 {
		return errors.Join(failures...)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted; rerun to resume: %w", err)
	}
	if len(done) > 0 {
		fmt.Fprintf(f.Out, "Built %d steps in %s\n", len(done), time.Since(start).Round(100*time.Millisecond))
	}
	return nil
}

// byKindFirst orders steps of one kind before the others, keeping order.
func byKindFirst(steps []Step, kind StepKind) []Step {
	out := make([]Step, 0, len(steps))
	for _, s := range steps {
		if s.Kind == kind {
			out = append(out, s)
		}
	}
	for _, s := range steps {
		if s.Kind != kind {
			out = append(out, s)
		}
	}
	return out
}

func (f *Factory) runStep(ctx context.Context, s Step) error {
	logPath := filepath.Join(f.LogDir, strings.ReplaceAll(s.ID(), "/", "-")+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return &StepError{s.ID(), logPath, err}
	}
	defer logFile.Close()
	fmt.Fprintf(f.Out, " • %-32s %s\n", s.ID(), describe(s))
	t0 := time.Now()
	log := &lastLine{w: logFile}
	stopProgress := f.progress(s.ID(), t0, log)
	switch {
	case s.Kind == StepGo:
		err = f.Go.Build(ctx, s.Build, s.Hash, log)
	case s.Item.Recipe.Rootfs != nil:
		err = f.buildRootfs(ctx, s, log)
	case s.Item.Recipe.Node != nil:
		err = f.buildNode(ctx, s, log)
	default:
		err = f.buildDockerfile(ctx, s, s.Ref, log)
	}
	stopProgress()
	d := time.Since(t0).Round(100 * time.Millisecond)
	if err != nil {
		fmt.Fprintf(logFile, "\nFAILED after %s: %v\n", d, err)
		fmt.Fprintf(f.Out, " ✗ %-32s failed after %s: %v\n   full log: %s\n", s.ID(), d, err, logPath)
		return &StepError{s.ID(), logPath, err}
	}
	fmt.Fprintf(f.Out, " ✓ %-32s %s\n", s.ID(), d)
	return nil
}

// ProgressEvery is how often a running step reports that it is still at work.
var ProgressEvery = time.Minute

// progress prints, while a step runs, a line every ProgressEvery with its
// elapsed time and the last line of its log.
func (f *Factory) progress(id string, t0 time.Time, log *lastLine) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(ProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fmt.Fprintf(f.Out, " … %-32s running for %s: %s\n", id, time.Since(t0).Round(time.Second), log.Last(80))
			}
		}
	}()
	return func() { close(done) }
}

// lastLine passes writes through and remembers the last complete line.
type lastLine struct {
	mu   sync.Mutex
	w    io.Writer
	last string
	part []byte
}

func (l *lastLine) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.part = append(l.part, p...)
	if i := bytes.LastIndexByte(l.part, '\n'); i >= 0 {
		lines := bytes.Split(bytes.TrimRight(l.part[:i], "\n"), []byte("\n"))
		if last := strings.TrimSpace(string(lines[len(lines)-1])); last != "" {
			l.last = last
		}
		l.part = append([]byte(nil), l.part[i+1:]...)
	}
	l.mu.Unlock()
	return l.w.Write(p)
}

// Last returns the last line, cut to n characters.
func (l *lastLine) Last(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.last) > n {
		return l.last[:n] + "…"
	}
	return l.last
}

func describe(s Step) string {
	if s.Kind == StepGo {
		what := s.Build.Module.String()
		return fmt.Sprintf("go build %s: %s", what, strings.Join(s.Build.Programs(), " "))
	}
	r := s.Item.Recipe
	switch {
	case r.Rootfs != nil:
		return fmt.Sprintf("mmdebstrap %s (%d packages) -> %s", r.Rootfs.Suite, len(r.Rootfs.Packages), s.Ref)
	case r.Node != nil:
		return fmt.Sprintf("kind node (%d components) -> %s", len(r.Node.Components), s.Ref)
	default:
		return "docker build -> " + s.Ref
	}
}

func (f *Factory) contextSource(ctx context.Context) contextSource {
	return contextSource{
		files: f.Files,
		programs: func(name string) (string, error) {
			g, err := FindGoBuild(name)
			if err != nil {
				return "", err
			}
			if f.hasher == nil {
				return "", fmt.Errorf("no plan: call NewPlanner first")
			}
			hash := f.hasher.GoBuild(g)
			if !f.Go.Has(g, hash) {
				return "", fmt.Errorf("programs of %s are not built", name)
			}
			return f.Go.Dir(g, hash), nil
		},
		progList: func(name string) ([]string, error) {
			g, err := FindGoBuild(name)
			if err != nil {
				return nil, err
			}
			return g.Programs(), nil
		},
		module: func(m Module) (string, error) { return ModuleDir(ctx, m) },
	}
}

// DefaultCacheDir is where the factory keeps built programs and step logs:
// $FABKIND_CACHE_DIR, else the user's cache folder (~/.cache/fabkind).
func DefaultCacheDir() string {
	if d := os.Getenv("FABKIND_CACHE_DIR"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "fabkind")
	}
	return filepath.Join(os.TempDir(), "fabkind")
}
