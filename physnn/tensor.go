package physnn

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// dtype is a tensor's element type. Users see float32 tensors; float64 ones
// exist so gradient checks and precise analysis run the same kernels in double
// precision (see New64).
type dtype uint8

const (
	f32 dtype = iota
	f64
)

// storage is the flat buffer shared by a tensor and its views. Exactly one of
// the slices is used, according to the tensors' dtype.
type storage struct {
	f32 []float32
	f64 []float64
}

// Tensor is an n-dimensional array of float32 values, stored row-major,
// that records the operations producing it so gradients can flow back
// through them (see [Tensor.Backward]).
//
// A Tensor may be a strided view of another tensor's storage (Reshape,
// Transpose, Slice and Detach make views); ops never modify their inputs.
// A Tensor produced by a failed op carries the error instead of values: see
// [Tensor.Err]. The zero Tensor has no storage; ops on it, or on a nil
// *Tensor, return a tensor holding an error. Use the constructors.
type Tensor struct {
	shape   []int
	strides []int
	offset  int
	st      *storage
	dt      dtype
	err     error

	requiresGrad bool
	grad         *Tensor     // leaves only: accumulated gradient, allocated once
	gradMu       *sync.Mutex // set by SetRequiresGrad: guards grad for concurrent Backward calls
	node         *node       // the op that produced this tensor, nil for leaves
	nodeBuf      node        // storage for node, so recording allocates less

	ws *Workspace // where ops on this tensor allocate results; nil: the heap
}

// ShapeError reports an op applied to tensors of incompatible shapes, or
// with an argument (axis, index, size) that does not fit the shapes. Its
// message names the op and the shapes, e.g.
//
//	matmul [32 50] x [64 10]: inner sizes 50 and 64 differ
type ShapeError struct {
	Op     string // the op, e.g. "matmul"
	A, B   []int  // the operands' shapes; B is nil for a single operand
	Reason string // what is wrong and, where possible, what to do
}

// Error implements the error interface.
func (e *ShapeError) Error() string {
	var sb strings.Builder
	sb.WriteString(e.Op)
	sb.WriteString(" ")
	sb.WriteString(shapeString(e.A))
	if e.B != nil {
		sb.WriteString(" x ")
		sb.WriteString(shapeString(e.B))
	}
	sb.WriteString(": ")
	sb.WriteString(e.Reason)
	return sb.String()
}

func shapeString(s []int) string {
	if s == nil {
		return "[]"
	}
	return fmt.Sprint(s)
}

// errNilTensor is carried by results of ops on nil or zero Tensors.
var errNilTensor = errors.New("physnn: nil or zero Tensor; create tensors with physnn.New, Zeros, Ones, Full or Scalar")

func shapeErr(op string, a, b []int, format string, args ...any) *Tensor {
	return errTensor(&ShapeError{Op: op, A: cloneInts(a), B: cloneInts(b), Reason: fmt.Sprintf(format, args...)})
}

func errTensor(err error) *Tensor { return &Tensor{err: err} }

// check returns the error a tensor carries, errNilTensor for nil or zero
// tensors, and nil for a usable tensor.
func (t *Tensor) check() error {
	if t == nil {
		return errNilTensor
	}
	if t.err != nil {
		return t.err
	}
	if t.st == nil {
		return errNilTensor
	}
	return nil
}

// firstErr returns the first error carried by ts, so a chain reports the
// earliest failure.
func firstErr(ts ...*Tensor) error {
	for _, t := range ts {
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}

func cloneInts(s []int) []int {
	if s == nil {
		return nil
	}
	return append(make([]int, 0, len(s)), s...)
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func contiguousStrides(shape []int) []int {
	strides := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		strides[i] = s
		s *= shape[i]
	}
	return strides
}

func validShape(op string, shape []int) error {
	for _, d := range shape {
		if d < 0 {
			return &ShapeError{Op: op, A: cloneInts(shape), Reason: "negative dimension"}
		}
	}
	return nil
}

// alloc returns a new contiguous zero tensor of the given dtype and shape.
func alloc(dt dtype, shape []int) *Tensor {
	n := numel(shape)
	t := (*Workspace)(nil).contiguousHeader(dt, shape)
	if dt == f64 {
		t.st.f64 = make([]float64, n)
	} else {
		t.st.f32 = make([]float32, n)
	}
	return t
}

// block holds a tensor header with its own storage record and room for
// the shape and strides of up to 4 dimensions, so an op result costs one
// allocation besides its values (or none, from a Workspace).
type block struct {
	t    Tensor
	st   storage
	dims [8]int
}

// header returns an empty tensor of the given rank, with shape and strides
// slices to fill and its own (empty) storage record, from w's recycled
// blocks or, when w is nil, from the heap.
func (w *Workspace) header(rank int) *Tensor {
	b := w.newBlock()
	dims := b.dims[:]
	if 2*rank > len(dims) {
		dims = make([]int, 2*rank)
	}
	b.t.shape, b.t.strides = dims[:rank:rank], dims[rank:2*rank:2*rank]
	b.t.st, b.t.ws = &b.st, w
	return &b.t
}

// contiguousHeader returns a header of the given shape with row-major
// strides and empty storage.
func (w *Workspace) contiguousHeader(dt dtype, shape []int) *Tensor {
	t := w.header(len(shape))
	copy(t.shape, shape)
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		t.strides[i] = s
		s *= shape[i]
	}
	t.dt = dt
	return t
}

// New returns a tensor of the given shape that uses data as its storage,
// without copying (as gonum's mat.NewDense does): later writes to data show
// in the tensor. With no shape, the tensor is 1-D of length len(data). If
// len(data) differs from the shape's size, the result holds a *ShapeError.
func New(data []float32, shape ...int) (result *Tensor) {
	defer recoverOp("New", &result)
	if len(shape) == 0 {
		shape = []int{len(data)}
	}
	if err := validShape("new", shape); err != nil {
		return errTensor(err)
	}
	if numel(shape) != len(data) {
		return shapeErr("new", shape, nil, "shape needs %d values but data has %d", numel(shape), len(data))
	}
	return &Tensor{shape: cloneInts(shape), strides: contiguousStrides(shape), st: &storage{f32: data}, dt: f32}
}

// New64 returns a double-precision tensor that uses data as its storage,
// without copying. Ops on float64 tensors run the same kernels in float64;
// an op mixing a float64 and a float32 tensor computes in float64. It exists
// for gradient checks (physnntest.CheckGrad) and for analysis needing double
// precision; networks use float32 tensors.
func New64(data []float64, shape ...int) (result *Tensor) {
	defer recoverOp("New64", &result)
	if len(shape) == 0 {
		shape = []int{len(data)}
	}
	if err := validShape("new64", shape); err != nil {
		return errTensor(err)
	}
	if numel(shape) != len(data) {
		return shapeErr("new64", shape, nil, "shape needs %d values but data has %d", numel(shape), len(data))
	}
	return &Tensor{shape: cloneInts(shape), strides: contiguousStrides(shape), st: &storage{f64: data}, dt: f64}
}

// Zeros returns a new float32 tensor of the given shape filled with zeros.
// With no shape it returns a scalar.
func Zeros(shape ...int) (result *Tensor) {
	defer recoverOp("Zeros", &result)
	if err := validShape("zeros", shape); err != nil {
		return errTensor(err)
	}
	return alloc(f32, shape)
}

// Ones returns a new float32 tensor of the given shape filled with ones.
func Ones(shape ...int) *Tensor { return Full(1, shape...) }

// Full returns a new float32 tensor of the given shape filled with v.
func Full(v float32, shape ...int) (result *Tensor) {
	defer recoverOp("Full", &result)
	if err := validShape("full", shape); err != nil {
		return errTensor(err)
	}
	t := alloc(f32, shape)
	for i := range t.st.f32 {
		t.st.f32[i] = v
	}
	return t
}

// Scalar returns a new 0-dimensional tensor holding v.
func Scalar(v float32) (result *Tensor) {
	defer recoverOp("Scalar", &result)
	return &Tensor{shape: []int{}, strides: []int{}, st: &storage{f32: []float32{v}}, dt: f32}
}

// FromFloat64 returns a new float32 tensor holding data converted to float32.
// With no shape the tensor is 1-D.
func FromFloat64(data []float64, shape ...int) (result *Tensor) {
	defer recoverOp("FromFloat64", &result)
	out := make([]float32, len(data))
	for i, v := range data {
		out[i] = float32(v)
	}
	if len(shape) == 0 {
		shape = []int{len(data)}
	}
	return New(out, shape...)
}

// FromDense returns a new float32 tensor of shape [rows, cols] holding m's
// values. A nil matrix gives a tensor holding an error.
func FromDense(m *mat.Dense) (result *Tensor) {
	defer recoverOp("FromDense", &result)
	if m == nil || m.IsEmpty() {
		return errTensor(errors.New("physnn: FromDense of a nil or empty matrix"))
	}
	r, c := m.Dims()
	out := make([]float32, 0, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out = append(out, float32(m.At(i, j)))
		}
	}
	return New(out, r, c)
}

// Dense returns the tensor's values as a new *mat.Dense: a 2-D tensor keeps
// its shape, a scalar or 1-D tensor becomes a column, and a tensor of more
// dimensions becomes [shape[0], rest]. It returns nil for a tensor holding an
// error or having no elements (gonum has no empty matrices).
func (t *Tensor) Dense() *mat.Dense {
	if t.check() != nil || t.Len() == 0 {
		return nil
	}
	r, c := t.Len(), 1
	if len(t.shape) >= 2 {
		r = t.shape[0]
		c = t.Len() / r
	}
	return mat.NewDense(r, c, t.Float64())
}

// Float64 returns a new slice with the tensor's values in row-major order,
// converted to float64. It returns nil for a tensor holding an error.
func (t *Tensor) Float64() []float64 {
	if t.check() != nil {
		return nil
	}
	c := t.contiguous()
	if c.dt == f64 {
		return append([]float64(nil), c.f64s()...)
	}
	src := c.f32s()
	out := make([]float64, len(src))
	for i, v := range src {
		out[i] = float64(v)
	}
	return out
}

// Shape returns a copy of the tensor's dimensions; nil for a tensor holding
// an error, empty for a scalar.
func (t *Tensor) Shape() []int {
	if t.check() != nil {
		return nil
	}
	return append([]int{}, t.shape...)
}

// Dim returns the size of dimension i, counting from the end for negative
// i (-1 is the last), and 0 for a dimension the tensor does not have or a
// tensor holding an error. Unlike Shape it allocates nothing.
func (t *Tensor) Dim(i int) int {
	if t.check() != nil {
		return 0
	}
	if i < 0 {
		i += len(t.shape)
	}
	if i < 0 || i >= len(t.shape) {
		return 0
	}
	return t.shape[i]
}

// Dims returns the number of dimensions (0 for a scalar).
func (t *Tensor) Dims() int {
	if t.check() != nil {
		return 0
	}
	return len(t.shape)
}

// Len returns the number of elements (0 for a tensor holding an error).
func (t *Tensor) Len() int {
	if t.check() != nil {
		return 0
	}
	return numel(t.shape)
}

// Err returns the error carried by a tensor whose op (or an earlier op in its
// chain) failed, or nil. The error is a *ShapeError for shape problems.
func (t *Tensor) Err() error { return t.check() }

// Data returns the values in row-major order as float32. For a contiguous
// float32 tensor it is the tensor's own storage (writes show in the tensor and
// its views); for a strided view or a float64 tensor it is a new copy. Use
// [Tensor.Values] when you must write in place.
func (t *Tensor) Data() []float32 {
	if t.check() != nil {
		return nil
	}
	if t.dt == f32 && t.isContiguous() {
		return t.f32s()
	}
	if t.dt == f32 {
		return t.contiguous().f32s()
	}
	src := t.contiguous().f64s()
	out := make([]float32, len(src))
	for i, v := range src {
		out[i] = float32(v)
	}
	return out
}

// Values returns the tensor's own float32 storage for in-place updates by
// optimizers and layers, without allocating. It returns nil unless the tensor
// is float32, contiguous and not an offset view; parameters made with the
// constructors always qualify.
func (t *Tensor) Values() []float32 {
	if t.check() != nil || t.dt != f32 || !t.ownsStorage() {
		return nil
	}
	return t.st.f32
}

// Values64 is Values for float64 tensors (see New64).
func (t *Tensor) Values64() []float64 {
	if t.check() != nil || t.dt != f64 || !t.ownsStorage() {
		return nil
	}
	return t.st.f64
}

// Is64 reports whether the tensor stores float64 values (see New64).
func (t *Tensor) Is64() bool { return t != nil && t.dt == f64 }

// GradValues returns the tensor's own gradient storage: allocated by the
// first Backward that reaches the tensor and reused (accumulated into) by
// later ones until the tensor is garbage. It returns nil before that, and for
// float64 tensors.
func (t *Tensor) GradValues() []float32 {
	if t == nil || t.grad == nil {
		return nil
	}
	return t.grad.Values()
}

// Item returns the value of a tensor with exactly one element, and NaN for
// any other tensor (including one holding an error), so misuse is visible.
func (t *Tensor) Item() float32 {
	if t.check() != nil || t.Len() != 1 {
		return float32(math.NaN())
	}
	return t.at(t.offset)
}

// At returns the element at the given indices, one per dimension. It returns
// NaN when the indices do not fit the shape or the tensor holds an error.
func (t *Tensor) At(idx ...int) float32 {
	if t.check() != nil || len(idx) != len(t.shape) {
		return float32(math.NaN())
	}
	off := t.offset
	for i, v := range idx {
		if v < 0 || v >= t.shape[i] {
			return float32(math.NaN())
		}
		off += v * t.strides[i]
	}
	return t.at(off)
}

func (t *Tensor) at(off int) float32 {
	if t.dt == f64 {
		return float32(t.st.f64[off])
	}
	return t.st.f32[off]
}

// Grad returns the gradient accumulated by Backward into this tensor, or nil
// if Backward has not reached it. Only leaves (tensors not produced by a
// recorded op, such as parameters) keep their gradient.
func (t *Tensor) Grad() *Tensor {
	if t == nil {
		return nil
	}
	return t.grad
}

// RequiresGrad reports whether gradients flow to this tensor: true for leaves
// marked with SetRequiresGrad and for results of recorded ops on them.
func (t *Tensor) RequiresGrad() bool { return t != nil && t.requiresGrad }

// SetRequiresGrad marks a tensor as one whose gradient Backward computes
// (a parameter) and returns it for chaining. Setting false on an op's result
// also cuts it from the graph. It does nothing to a tensor holding an error.
func (t *Tensor) SetRequiresGrad(b bool) *Tensor {
	if t.check() != nil {
		return t
	}
	t.requiresGrad = b
	if !b {
		t.node = nil
	}
	if b && t.node == nil && t.gradMu == nil {
		t.gradMu = new(sync.Mutex)
	}
	return t
}

// ZeroGrad sets the accumulated gradient to zero in place, keeping its
// buffer so training steps do not allocate.
func (t *Tensor) ZeroGrad() {
	if t == nil || t.grad == nil {
		return
	}
	if t.grad.dt == f64 {
		clear(t.grad.st.f64)
	} else {
		clear(t.grad.st.f32)
	}
}

// Detach returns a view of the same storage that is cut from the graph:
// it does not require grad and Backward does not pass through it.
func (t *Tensor) Detach() *Tensor {
	if err := t.check(); err != nil {
		return errTensor(err)
	}
	return &Tensor{shape: t.shape, strides: t.strides, offset: t.offset, st: t.st, dt: t.dt, ws: t.ws}
}

// Clone returns a contiguous copy with its own storage, always on the heap
// (never in a Workspace), so it is the way to keep a result beyond a
// Workspace.Reset. Gradients flow through Clone to the original.
func (t *Tensor) Clone() (result *Tensor) {
	defer recoverOp("Clone", &result)
	if err := t.check(); err != nil {
		return errTensor(err)
	}
	out := alloc(t.dt, t.shape)
	if t.dt == f64 {
		copyStrided(out.st.f64, t.st.f64, t.offset, t.shape, t.strides)
	} else {
		copyStrided(out.st.f32, t.st.f32, t.offset, t.shape, t.strides)
	}
	return record(out, "clone", []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{g} })
}

// String formats the tensor as its shape followed by nested rows of values
// in %.4g; tensors of more than 1000 elements show only their first values.
func (t *Tensor) String() string {
	if err := t.check(); err != nil {
		return "Tensor(error: " + err.Error() + ")"
	}
	var sb strings.Builder
	sb.WriteString("Tensor")
	sb.WriteString(shapeString(t.shape))
	sb.WriteString(" ")
	vals := t.Float64()
	const maxShown = 1000 // keeps a notebook cell readable
	if len(t.shape) == 0 {
		fmt.Fprintf(&sb, "%.4g", vals[0])
		return sb.String()
	}
	n := 0
	var rec func(dim int, off int)
	rec = func(dim int, off int) {
		sb.WriteString("[")
		for i := 0; i < t.shape[dim]; i++ {
			if n >= maxShown {
				sb.WriteString(" ...")
				break
			}
			if i > 0 {
				sb.WriteString(" ")
			}
			if dim == len(t.shape)-1 {
				fmt.Fprintf(&sb, "%.4g", vals[off+i])
				n++
			} else {
				stride := numel(t.shape[dim+1:])
				rec(dim+1, off+i*stride)
			}
		}
		sb.WriteString("]")
	}
	rec(0, 0)
	return sb.String()
}

// isContiguous reports whether the elements lie row-major without gaps
// starting at offset (size-1 dimensions may have any stride).
func (t *Tensor) isContiguous() bool {
	s := 1
	for i := len(t.shape) - 1; i >= 0; i-- {
		if t.shape[i] != 1 && t.strides[i] != s {
			return false
		}
		s *= t.shape[i]
	}
	return true
}

// ownsStorage reports whether the tensor is exactly its whole storage.
func (t *Tensor) ownsStorage() bool {
	if t.offset != 0 || !t.isContiguous() {
		return false
	}
	n := numel(t.shape)
	if t.dt == f64 {
		return len(t.st.f64) == n
	}
	return len(t.st.f32) == n
}

// f32s and f64s return the contiguous elements of a contiguous tensor.
func (t *Tensor) f32s() []float32 { return t.st.f32[t.offset : t.offset+numel(t.shape)] }
func (t *Tensor) f64s() []float64 { return t.st.f64[t.offset : t.offset+numel(t.shape)] }

// contiguous returns t itself when contiguous, else a contiguous copy. The
// result is not recorded in the graph: it is for kernels.
func (t *Tensor) contiguous() *Tensor {
	if t.isContiguous() {
		return t
	}
	return t.copyContiguous()
}

// copyContiguous returns a contiguous copy of t's values (no graph).
func (t *Tensor) copyContiguous() *Tensor {
	out := t.ws.allocOverwrite(t.dt, t.shape)
	if t.dt == f64 {
		copyStrided(out.st.f64, t.st.f64, t.offset, t.shape, t.strides)
	} else {
		copyStrided(out.st.f32, t.st.f32, t.offset, t.shape, t.strides)
	}
	return out
}

// view returns a tensor sharing t's storage with a new layout (no graph);
// shape and strides are copied.
func (t *Tensor) view(shape, strides []int, offset int) *Tensor {
	v := t.ws.header(len(shape))
	copy(v.shape, shape)
	copy(v.strides, strides)
	v.st, v.dt, v.offset = t.st, t.dt, offset
	return v
}
