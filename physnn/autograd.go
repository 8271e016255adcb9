package physnn

// Reverse-mode automatic differentiation.
//
// Glossary. A recorded op's result holds a node: the op's name, its inputs
// and a backward closure written right beside the op's forward code. Given
// the gradient of the loss with respect to the op's output (the adjoint), the
// closure returns the vector-Jacobian products: the gradient with respect to
// each input, or nil where none flows. Backward sorts the nodes reachable from
// the loss topologically (iteratively, so deep tapes cannot overflow the
// stack) and sweeps them once in reverse, summing the adjoints of tensors used
// more than once. Leaves (tensors no recorded op produced) that require grad
// accumulate their gradient into a buffer they keep across steps.
//
// Backward closures compute with the unexported, non-recording kernels
// (add, mul, matmul, ...), never with the recording methods, so they neither
// grow the graph nor depend on global state.

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gophys/gophys/physnn/internal/team"
)

type node struct {
	op       string
	inputs   []*Tensor
	backward func(g *Tensor) []*Tensor

	// vjp, when set instead of backward, is a backward function that keeps
	// no state of its own: it reads the op's inputs, result (out) and
	// arguments (args) from the node and returns its gradients in gbuf, so
	// recording the op allocates nothing. (A closure capturing the same
	// values is one heap allocation per op, and its result slice another.)
	vjp  vjpFunc
	out  *Tensor
	args opArgs
	gbuf [3]*Tensor

	// Per-Backward scratch: the summed adjoint of the node's output, whether
	// this node owns that buffer (and may add into it in place), and the
	// epoch of the sweep that last visited it.
	grad     *Tensor
	ownsGrad bool
	epoch    uint64

	// inBuf holds the inputs of ops with at most three, so recording such
	// an op allocates no slice.
	inBuf [3]*Tensor

	// sweep is the running Backward's list of gradient products left to
	// finish (see gradJob), set while the node's backward function runs;
	// nil when that Backward has none to offer.
	sweep *sweep
}

// vjpFunc is a backward function of a node recorded by recordVJP.
type vjpFunc func(n *node, g *Tensor) []*Tensor

// opArgs are the arguments a recorded op's vjp needs besides its inputs
// and result. Their meaning is the op's.
type opArgs struct {
	f    float64 // a scalar: a factor, exponent, slope
	mask uint64  // a set of axes, bit i for axis i
	i, j int     // integers: an axis, a range
	u    unop    // a derivative kernel
	flag bool
	aux  *Tensor // a tensor the forward pass made for the backward one (a mask)
}

// ret1, ret2 and ret3 return a vjp's gradients in the node's own slice.
func (n *node) ret1(a *Tensor) []*Tensor {
	n.gbuf[0] = a
	return n.gbuf[:1]
}

func (n *node) ret2(a, b *Tensor) []*Tensor {
	n.gbuf[0], n.gbuf[1] = a, b
	return n.gbuf[:2]
}

func (n *node) ret3(a, b, c *Tensor) []*Tensor {
	n.gbuf[0], n.gbuf[1], n.gbuf[2] = a, b, c
	return n.gbuf[:3]
}

// noGradCount counts the NoGrad calls in progress in all goroutines, so
// the common case (none) costs one atomic load per recorded op.
var noGradCount atomic.Int32

// noGradGoroutines maps the IDs of goroutines inside NoGrad to their
// nesting depth.
var noGradGoroutines = struct {
	sync.Mutex
	depth map[uint64]int
}{depth: map[uint64]int{}}

// epochs numbers Backward sweeps, so visits need no per-sweep set.
var epochs atomic.Uint64

// GradEnabled reports whether ops called by this goroutine record the
// graph, that is, whether it is not inside NoGrad.
func GradEnabled() bool {
	if noGradCount.Load() == 0 {
		return true
	}
	id := goroutineID()
	noGradGoroutines.Lock()
	_, off := noGradGoroutines.depth[id]
	noGradGoroutines.Unlock()
	return !off
}

// NoGrad runs fn without recording ops, for evaluation and parameter
// updates: results do not require grad and hold no graph. It affects only
// the calling goroutine, so a widget callback evaluating a model under
// NoGrad does not stop a training loop running at the same time from
// recording; goroutines that fn starts record as usual.
func NoGrad(fn func()) {
	id := goroutineID()
	noGradGoroutines.Lock()
	noGradGoroutines.depth[id]++
	noGradGoroutines.Unlock()
	noGradCount.Add(1)
	defer func() {
		noGradCount.Add(-1)
		noGradGoroutines.Lock()
		if noGradGoroutines.depth[id]--; noGradGoroutines.depth[id] == 0 {
			delete(noGradGoroutines.depth, id)
		}
		noGradGoroutines.Unlock()
	}()
	fn()
}

// goroutineID returns the calling goroutine's ID, parsed from the first
// line of its stack trace ("goroutine 123 [running]:"). Go deliberately
// hides goroutine IDs; NoGrad needs one only to scope itself, and it is read
// only while some NoGrad is running.
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	var id uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}

// recoverOp, deferred by every public op, turns a panic inside the op (a
// physnn bug: inputs are validated first) into an error carried by the
// result, so that no panic crosses the API (style.md §5).
func recoverOp(op string, out **Tensor) {
	if r := recover(); r != nil {
		*out = errTensor(fmt.Errorf("physnn: %s: internal error (please report): %v", op, r))
	}
}

// record attaches the graph node of an op to its result when recording is
// on and some input requires grad; otherwise the result is a plain tensor.
func record(out *Tensor, op string, inputs []*Tensor, backward func(g *Tensor) []*Tensor) *Tensor {
	if n := newNode(out, op, inputs); n != nil {
		n.backward = backward
	}
	return out
}

// recordVJP is record for a stateless backward function: vjp finds out as
// n.out and args as n.args. Ops on a training step's path use it, so a
// step in a Workspace allocates nothing.
func recordVJP(out *Tensor, op string, inputs []*Tensor, vjp vjpFunc, args opArgs) *Tensor {
	if n := newNode(out, op, inputs); n != nil {
		n.vjp, n.out, n.args = vjp, out, args
	}
	return out
}

// newNode attaches an empty node to out and returns it, or returns nil when
// the op needs none (an error result, no input requiring grad, NoGrad).
func newNode(out *Tensor, op string, inputs []*Tensor) *node {
	if out.err != nil {
		return nil
	}
	need := false
	for _, in := range inputs {
		if in.requiresGrad {
			need = true
			break
		}
	}
	if !need || !GradEnabled() {
		return nil
	}
	// The node lives inside the result itself: one allocation fewer per op.
	n := &out.nodeBuf
	*n = node{op: op}
	if len(inputs) <= len(n.inBuf) {
		copy(n.inBuf[:], inputs)
		n.inputs = n.inBuf[:len(inputs):len(inputs)]
	} else {
		n.inputs = append([]*Tensor(nil), inputs...)
	}
	out.requiresGrad = true
	out.node = n
	return n
}

// call runs the node's backward function.
func (n *node) call(g *Tensor) []*Tensor {
	if n.vjp != nil {
		return n.vjp(n, g)
	}
	return n.backward(g)
}

// Backward computes the gradient of t, which must hold a single value (a
// loss), with respect to every tensor that requires grad and that t depends
// on, and adds it to their gradients (see Grad and GradValues): gradients
// accumulate across calls until ZeroGrad. It returns the error t carries, an
// error if t is not a scalar or depends on nothing that requires grad, and
// any error or panic of a Custom op's VJP.
func (t *Tensor) Backward() (err error) {
	if err := t.check(); err != nil {
		return err
	}
	if numel(t.shape) != 1 {
		return &ShapeError{Op: "backward", A: cloneInts(t.shape), Reason: "the loss must hold a single value; reduce it with Sum or Mean first"}
	}
	if !t.requiresGrad {
		return errors.New("physnn: backward: the loss depends on no tensor that requires grad; call SetRequiresGrad(true) on the parameters")
	}
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = fmt.Errorf("physnn: backward: %w", e)
			} else {
				err = fmt.Errorf("physnn: backward: %v", r)
			}
		}
	}()
	seed := t.ws.alloc(t.dt, t.shape)
	fill(seed, 1)
	if t.node == nil {
		return accumulateLeaf(t, seed)
	}
	var order []*node
	var stack []topoFrame
	var sw *sweep
	if w := t.ws; w != nil {
		// Borrow the workspace's scratch for this sweep (a Custom op's VJP
		// could start another Backward in the same workspace).
		order, stack, w.order, w.stack = w.order, w.stack, nil, nil
		sw, w.sweep = w.sweep, nil
		if sw == nil {
			sw = new(sweep)
		}
		defer func() {
			clear(order)
			w.order, w.stack, w.sweep = order[:0], stack[:0], sw
		}()
		// Registered after the recover above, so it runs first and a
		// panic of a gradient product becomes Backward's error.
		defer sw.finish()
	}
	order, stack = topoSort(t, order[:0], stack[:0])
	t.node.grad, t.node.ownsGrad = seed, true
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		g := n.grad
		n.grad = nil // free the adjoint as soon as it is consumed
		if g == nil {
			continue
		}
		n.sweep = sw
		grads := n.call(g)
		n.sweep = nil
		if len(grads) != len(n.inputs) {
			return fmt.Errorf("physnn: backward of %s returned %d gradients for %d inputs", n.op, len(grads), len(n.inputs))
		}
		for j, in := range n.inputs {
			gi := grads[j]
			if gi == nil || !in.requiresGrad {
				continue
			}
			if err := gi.check(); err != nil {
				return fmt.Errorf("physnn: backward of %s, input %d: %w", n.op, j, err)
			}
			if !slices.Equal(gi.shape, in.shape) {
				return fmt.Errorf("physnn: backward of %s, input %d: gradient shape %v differs from input shape %v", n.op, j, gi.shape, in.shape)
			}
			if in.node == nil {
				if err := accumulateLeaf(in, gi); err != nil {
					return err
				}
				continue
			}
			in.node.addGrad(gi)
		}
		n.gbuf = [3]*Tensor{} // drop the references to consumed gradients
	}
	return nil
}

// topoSort returns the nodes reachable from t's node with every node after
// all nodes it depends on, by an iterative depth-first search. It appends
// to order and uses stack as scratch (new ones when order is nil), and
// returns both for reuse.
func topoSort(t *Tensor, order []*node, stack []topoFrame) ([]*node, []topoFrame) {
	epoch := epochs.Add(1)
	if order == nil {
		// Capacities that cover typical networks without regrowing.
		order, stack = make([]*node, 0, 64), make([]topoFrame, 0, 64)
	}
	stack = append(stack, topoFrame{n: t.node})
	t.node.epoch = epoch
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.next < len(top.n.inputs) {
			in := top.n.inputs[top.next]
			top.next++
			if in.node != nil && in.requiresGrad && in.node.epoch != epoch {
				in.node.epoch = epoch
				in.node.grad, in.node.ownsGrad = nil, false
				stack = append(stack, topoFrame{n: in.node})
			}
			continue
		}
		order = append(order, top.n)
		stack = stack[:len(stack)-1]
	}
	return order, stack
}

// topoFrame is a node on topoSort's stack and the next input to visit.
type topoFrame struct {
	n    *node
	next int
}

// addGrad sums g into the node's adjoint. The first contribution is kept by
// reference (it may alias another tensor's adjoint, e.g. both inputs of Add
// share one); a second one allocates a buffer the node owns.
func (n *node) addGrad(g *Tensor) {
	switch {
	case n.grad == nil:
		n.grad, n.ownsGrad = g, false
	case n.ownsGrad:
		addInto(n.grad, g)
	default:
		n.grad, n.ownsGrad = add(n.grad, g), true
	}
}

// accumulateLeaf adds g into the leaf's gradient buffer, allocating the
// buffer (contiguous, the leaf's dtype) on first use only.
func accumulateLeaf(t *Tensor, g *Tensor) error {
	if t.gradMu != nil {
		// Graphs sharing parameters may run Backward concurrently
		// (data-parallel steps); each adds under the leaf's lock.
		t.gradMu.Lock()
		defer t.gradMu.Unlock()
	}
	if t.grad == nil {
		t.grad = alloc(t.dt, t.shape)
	}
	addInto(t.grad, g)
	return nil
}

// A gradJob is a parameter's gradient product that a backward function
// handed to a helper goroutine (linearGrads: w.grad += xᵀ·g, holding w's
// gradient lock, which the job releases): nothing later in the sweep reads
// that gradient, so the product runs beside the rest of the sweep instead
// of before it. Backward finishes every job before it returns: it runs the
// ones no helper has started and waits for the others.
type gradJob struct {
	task   gemmTask
	w      *Tensor
	claim  atomic.Bool  // set by the goroutine that runs the task
	refs   atomic.Int32 // the helper and the sweep; the last to leave recycles the job
	done   sync.WaitGroup
	failed any // the task's panic, if any
}

// sweep lists one Backward's gradient jobs.
type sweep struct {
	jobs []*gradJob
}

// gradJobs holds recycled jobs. A plain list rather than a sync.Pool, which
// a garbage collection empties (a step would then allocate).
var (
	gradJobsMu sync.Mutex
	gradJobs   []*gradJob
)

// start hands out a job computing t, which releases w's gradient lock when
// done, to a helper goroutine.
func (s *sweep) start(t gemmTask, w *Tensor) {
	gradJobsMu.Lock()
	var j *gradJob
	if k := len(gradJobs); k > 0 {
		j, gradJobs = gradJobs[k-1], gradJobs[:k-1]
	}
	gradJobsMu.Unlock()
	if j == nil {
		j = new(gradJob)
	}
	j.task, j.w = t, w
	j.claim.Store(false)
	j.refs.Store(2)
	j.done.Add(1)
	s.jobs = append(s.jobs, j)
	team.Dispatch(j)
}

// Help is the helper's side: run the task unless the sweep already has.
func (j *gradJob) Help() {
	j.run()
	j.leave()
}

// run computes the task if no other goroutine has claimed it.
func (j *gradJob) run() {
	if !j.claim.CompareAndSwap(false, true) {
		return
	}
	defer j.done.Done()
	defer unlockGrad(j.w)
	defer func() { j.failed = recover() }()
	j.task.run(true)
}

// leave drops one reference; the last one recycles the job.
func (j *gradJob) leave() {
	if j.refs.Add(-1) != 0 {
		return
	}
	j.task, j.w, j.failed = gemmTask{}, nil, nil
	gradJobsMu.Lock()
	gradJobs = append(gradJobs, j)
	gradJobsMu.Unlock()
}

// finish runs the sweep's jobs that no helper has started, waits for the
// others, and re-raises the first job's panic.
func (s *sweep) finish() {
	var failed any
	for i, j := range s.jobs {
		j.run()
		j.done.Wait()
		if failed == nil {
			failed = j.failed
		}
		j.leave()
		s.jobs[i] = nil
	}
	s.jobs = s.jobs[:0]
	if failed != nil {
		panic(failed)
	}
}
