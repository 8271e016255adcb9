package conv

// Batching images into one GEMM. One image's GEMM is K × C·KH·KW × OH·OW;
// deep layers on small images make OH·OW tiny (64 for 8×8), where a GEMM
// spends its time on packing and loop overhead instead of arithmetic. The
// kernels therefore place the patch matrices of a chunk of images side by
// side, [C·KH·KW, chunk·OH·OW], and run one GEMM per chunk; the output then
// needs one copy from [K, chunk·OH·OW] to NCHW (and the output gradient one
// copy the other way), which costs 1/(C·KH·KW) of the GEMM.

// minChunkCols is the number of GEMM columns (output pixels over a chunk's
// images) a chunk aims for: pure-Go gonum reaches its full rate from about
// 2000 columns with 64 rows (4.4 GFLOP/s at 1089 columns, 6.3 at 8712 on
// the jet CNN's first layer). It is a variable so tests can force chunks of
// one image.
var minChunkCols = 2048

// maxChunkElems caps a chunk's scratch matrices at 128 Ki values (512 KiB
// of float32) per worker, so the patch matrix stays in L2 between im2col
// and the GEMM that packs it (or the GEMM that writes it and col2im). With
// 4 Mi values (16 MiB) the jet CNN's layers ran at half the speed per
// CPU-second: the patch matrix made a round trip through memory.
var maxChunkElems = 1 << 17

// chunkSize returns how many images of a worker's share of items go into
// one GEMM.
func chunkSize(g *Geom, items int) int {
	cols := g.colCols()
	b := (minChunkCols + cols - 1) / cols
	b = min(b, maxChunkElems/(max(g.colRows(), g.K)*cols), items)
	return max(b, 1)
}

// plan returns the number of workers for a batch of n images and the chunk
// size each of them uses, and reserves their workspace slots.
func plan[T Float](g *Geom, n int, ws *Workspace[T]) (p, chunk int) {
	p = workers(n, g.K*g.colRows()*g.colCols())
	ws.reserve(p)
	return p, chunkSize(g, (n+p-1)/p)
}

// gatherChannels copies images lo..lo+m-1 of a [n, K, plane] array into the
// [K, m·plane] matrix dst, image j's channel k at dst[k·m·plane + j·plane:].
func gatherChannels[T Float](src []T, lo, m, k, plane int, dst []T) {
	ld := m * plane
	for j := 0; j < m; j++ {
		img := src[(lo+j)*k*plane:]
		for c := 0; c < k; c++ {
			copy(dst[c*ld+j*plane:c*ld+(j+1)*plane], img[c*plane:(c+1)*plane])
		}
	}
}

// scatterChannels is the inverse of gatherChannels, adding bias[c] (when
// not nil) to channel c on the way.
func scatterChannels[T Float](src []T, lo, m, k, plane int, dst, bias []T) {
	ld := m * plane
	for j := 0; j < m; j++ {
		img := dst[(lo+j)*k*plane:]
		for c := 0; c < k; c++ {
			d := img[c*plane : (c+1)*plane]
			copy(d, src[c*ld+j*plane:c*ld+(j+1)*plane])
			if bias != nil {
				b := bias[c]
				for i := range d {
					d[i] += b
				}
			}
		}
	}
}

// Forward computes the convolution y = x ⋆ w + bias for a batch of n images:
// x is [n, C, H, W], w is [K, C, KH, KW], bias is [K] or nil, and y
// ([n, K, OH, OW]) is overwritten. ws may be nil (scratch is then
// allocated). It returns nil, or the error of ws.Interrupt if that stopped
// it early; the other kernels with an error result do the same.
func Forward[T Float](g *Geom, n int, x, w, bias, y []T, ws *Workspace[T]) error {
	if ws == nil {
		ws = new(Workspace[T])
	}
	rows, cols := g.colRows(), g.colCols()
	in, out := g.InSize(), g.OutSize()
	p, chunk := plan(g, n, ws)
	// The bias rides along in the GEMM: W gets the bias as an extra
	// column and the patch matrix an extra row of ones, which costs one
	// more k step instead of a pass over y (on the jet CNN's first layer,
	// with 128 k steps, the pass took ~15% of the forward time).
	wk, depth := w, rows
	fused := bias != nil && !g.identityCol()
	if fused {
		depth = rows + 1
		wk = ws.filterBuf(g.K * depth)
		for k := 0; k < g.K; k++ {
			copy(wk[k*depth:k*depth+rows], w[k*rows:(k+1)*rows])
			wk[k*depth+rows] = bias[k]
		}
	}
	j := &ws.job
	*j = job[T]{kind: forwardKind, ws: ws, g: *g, p: p, chunk: chunk, rows: rows, cols: cols, in: in, out: out,
		depth: depth, x: x, w: wk, bias: bias, y: y, fused: fused}
	parallelBatch(n, p, j)
	ws.job = job[T]{}
	return ws.firstErr()
}

// The kinds of kernel a job runs.
const (
	forwardKind = iota
	dataKind
	filterKind
	biasKind
	maxPoolForwardKind
	maxPoolBackwardKind
	avgPoolForwardKind
	avgPoolBackwardKind
)

// job holds the arguments of one kernel call in its Workspace, so that
// the call's parallel body is a method on memory the workspace owns: a
// closure handed to the helper goroutines was one heap allocation per call.
type job[T Float] struct {
	kind                          int
	ws                            *Workspace[T]
	g                             Geom
	n, p, chunk                   int
	rows, cols, in, out, depth    int
	x, w, bias, y, dy, dx, dw, db []T
	fused                         bool
}

// Chunk runs the job on the batch items [lo, hi) as worker.
func (j *job[T]) Chunk(worker, lo, hi int) {
	switch j.kind {
	case forwardKind:
		j.forward(worker, lo, hi)
	case dataKind:
		j.data(worker, lo, hi)
	case filterKind:
		j.filter(worker, lo, hi)
	case biasKind:
		j.biasGrad(lo, hi)
	case maxPoolForwardKind:
		j.maxPoolForward(lo, hi)
	case maxPoolBackwardKind:
		j.maxPoolBackward(lo, hi)
	case avgPoolForwardKind:
		j.avgPoolForward(lo, hi)
	case avgPoolBackwardKind:
		j.avgPoolBackward(lo, hi)
	}
}

// forward is Forward on images [lo, hi); j.w is the (bias-augmented)
// filter matrix with j.depth columns.
func (j *job[T]) forward(worker, lo, hi int) {
	g, ws, x, y, bias, fused := &j.g, j.ws, j.x, j.y, j.bias, j.fused
	p, chunk, rows, cols, in, out, depth, wk := j.p, j.chunk, j.rows, j.cols, j.in, j.out, j.depth, j.w
	if chunk == 1 {
		var col []T
		if !g.identityCol() {
			col = ws.colBuf(worker, depth*cols)
			ones(col[rows*cols:])
		}
		for i := lo; i < hi; i++ {
			if ws.stopped(worker) {
				return
			}
			xi, yi := x[i*in:(i+1)*in], y[i*out:(i+1)*out]
			c := xi
			if col != nil {
				Im2Col(g, xi, col)
				c = col
			}
			// y_i [K, OH·OW] = W [K, C·KH·KW(+1)] · col [C·KH·KW(+1), OH·OW]
			matmul(p > 1, false, false, g.K, cols, depth, 1, wk, depth, c, cols, 0, yi, cols)
			if bias != nil && !fused {
				addChannelBias(yi, bias, cols)
			}
		}
		return
	}
	col := ws.colBuf(worker, depth*chunk*cols)
	ym := ws.matBuf(worker, g.K*chunk*cols)
	for i := lo; i < hi; i += chunk {
		if ws.stopped(worker) {
			return
		}
		m := min(chunk, hi-i)
		ld := m * cols
		for j := 0; j < m; j++ {
			im2colLD(g, x[(i+j)*in:], col[j*cols:], ld)
		}
		if fused {
			ones(col[rows*ld : (rows+1)*ld])
		}
		// Y [K, m·OH·OW] = W [K, C·KH·KW(+1)] · col [C·KH·KW(+1), m·OH·OW]
		matmul(p > 1, false, false, g.K, ld, depth, 1, wk, depth, col, ld, 0, ym, ld)
		if fused {
			scatterChannels(ym, i, m, g.K, cols, y, nil)
		} else {
			scatterChannels(ym, i, m, g.K, cols, y, bias)
		}
	}
}

// data is BackwardData on images [lo, hi).
func (j *job[T]) data(worker, lo, hi int) {
	g, ws, dy, w, dx := &j.g, j.ws, j.dy, j.w, j.dx
	p, chunk, rows, cols, in, out := j.p, j.chunk, j.rows, j.cols, j.in, j.out
	if chunk == 1 && g.identityCol() {
		// 1×1 stride-1 convolution: the patch matrix is the image.
		for i := lo; i < hi; i++ {
			if ws.stopped(worker) {
				return
			}
			matmul(p > 1, true, false, rows, cols, g.K, 1, w, rows, dy[i*out:(i+1)*out], cols, 0, dx[i*in:(i+1)*in], cols)
		}
		return
	}
	col := ws.colBuf(worker, rows*chunk*cols)
	var dym []T
	if chunk > 1 {
		dym = ws.matBuf(worker, g.K*chunk*cols)
	}
	for i := lo; i < hi; i += chunk {
		if ws.stopped(worker) {
			return
		}
		m := min(chunk, hi-i)
		ld := m * cols
		d := dy[i*out : (i+1)*out] // one image: already [K, OH·OW]
		if m > 1 {
			gatherChannels(dy, i, m, g.K, cols, dym)
			d = dym
		}
		// col [C·KH·KW, m·OH·OW] = Wᵀ [C·KH·KW, K] · dY [K, m·OH·OW]
		matmul(p > 1, true, false, rows, ld, g.K, 1, w, rows, d, ld, 0, col, ld)
		for j := 0; j < m; j++ {
			col2imLD(g, col[j*cols:], dx[(i+j)*in:], ld)
		}
	}
}

// filter is BackwardFilter on images [lo, hi): worker 0 writes j.dw, the
// others their partial buffers.
func (j *job[T]) filter(worker, lo, hi int) {
	g, ws, x, dy, dw := &j.g, j.ws, j.x, j.dy, j.dw
	p, chunk, rows, cols, in, out := j.p, j.chunk, j.rows, j.cols, j.in, j.out
	size := g.FilterSize()
	acc := dw[:size]
	if worker > 0 {
		acc = ws.partialBuf(worker, size)
	}
	var col, dym []T
	if chunk > 1 || !g.identityCol() {
		col = ws.colBuf(worker, rows*chunk*cols)
	}
	if chunk > 1 {
		dym = ws.matBuf(worker, g.K*chunk*cols)
	}
	var beta T // the first chunk overwrites acc, later ones add to it
	if lo == hi {
		clear(acc)
	}
	for i := lo; i < hi; i += chunk {
		if ws.stopped(worker) {
			return
		}
		m := min(chunk, hi-i)
		ld := m * cols
		c, d := col, dy[i*out:(i+1)*out]
		if m == 1 && g.identityCol() {
			c = x[i*in : (i+1)*in]
		} else {
			for j := 0; j < m; j++ {
				im2colLD(g, x[(i+j)*in:], col[j*cols:], ld)
			}
		}
		if m > 1 {
			gatherChannels(dy, i, m, g.K, cols, dym)
			d = dym
		}
		// dw [K, C·KH·KW] += dY [K, m·OH·OW] · colᵀ [m·OH·OW, C·KH·KW]
		matmul(p > 1, false, true, g.K, rows, ld, 1, d, ld, c, ld, beta, acc, rows)
		beta = 1
	}
}

// biasGrad is BiasGrad on channels [lo, hi): j.rows channels of j.cols values
// in each of j.n images.
func (j *job[T]) biasGrad(lo, hi int) {
	n, channels, plane, dy, db := j.n, j.rows, j.cols, j.dy, j.db
	for c := lo; c < hi; c++ {
		var s T
		for i := 0; i < n; i++ {
			off := (i*channels + c) * plane
			s += sum(dy[off : off+plane])
		}
		db[c] = s
	}
}

// ones sets every value of s to 1.
func ones[T Float](s []T) {
	for i := range s {
		s[i] = 1
	}
}

// BackwardData computes the gradient of a convolution with respect to its
// input: dx = col2im(Wᵀ·dy) for every batch item. dy is [n, K, OH, OW], w is
// [K, C, KH, KW], and dx ([n, C, H, W]) is overwritten. This is also the
// forward pass of the transposed convolution described by g.
func BackwardData[T Float](g *Geom, n int, dy, w, dx []T, ws *Workspace[T]) error {
	if ws == nil {
		ws = new(Workspace[T])
	}
	rows, cols := g.colRows(), g.colCols()
	in, out := g.InSize(), g.OutSize()
	p, chunk := plan(g, n, ws)
	j := &ws.job
	*j = job[T]{kind: dataKind, ws: ws, g: *g, p: p, chunk: chunk, rows: rows, cols: cols, in: in, out: out,
		dy: dy, w: w, dx: dx}
	parallelBatch(n, p, j)
	ws.job = job[T]{}
	return ws.firstErr()
}

// BackwardFilter computes the gradient of a convolution with respect to its
// weights: dw = Σ_i dy_i·col(x_i)ᵀ. x is [n, C, H, W], dy is [n, K, OH, OW],
// and dw ([K, C, KH, KW]) is overwritten.
func BackwardFilter[T Float](g *Geom, n int, x, dy, dw []T, ws *Workspace[T]) error {
	if ws == nil {
		ws = new(Workspace[T])
	}
	rows, cols := g.colRows(), g.colCols()
	in, out := g.InSize(), g.OutSize()
	size := g.FilterSize()
	p, chunk := plan(g, n, ws)
	j := &ws.job
	*j = job[T]{kind: filterKind, ws: ws, g: *g, p: p, chunk: chunk, rows: rows, cols: cols, in: in, out: out,
		x: x, dy: dy, dw: dw}
	parallelBatch(n, p, j)
	ws.job = job[T]{}
	if err := ws.firstErr(); err != nil {
		return err
	}
	for worker := 1; worker < p; worker++ {
		part := ws.partial[worker][:size]
		for j, v := range part {
			dw[j] += v
		}
	}
	return nil
}

// BiasGrad overwrites db ([channels]) with the sum of dy ([n, channels,
// plane]) over the batch and the plane: the gradient of a per-channel bias.
// Channels are summed in parallel, each by one goroutine in a fixed order,
// so the result does not depend on the number of cores.
func BiasGrad[T Float](n, channels, plane int, dy, db []T) {
	ws := Acquire[T]()
	j := &ws.job
	*j = job[T]{kind: biasKind, n: n, rows: channels, cols: plane, dy: dy, db: db}
	parallelBatch(channels, workers(channels, n*plane), j)
	Release(ws)
}

// sum adds up s with eight independent partial sums: a single running sum
// waits on the add latency at every element (~1 ns each), which made the
// bias gradient of the jet CNN's first layer cost a fifth of its GEMMs.
func sum[T Float](s []T) T {
	var a0, a1, a2, a3, a4, a5, a6, a7 T
	i := 0
	for ; i+8 <= len(s); i += 8 {
		v := s[i : i+8 : i+8]
		a0 += v[0]
		a1 += v[1]
		a2 += v[2]
		a3 += v[3]
		a4 += v[4]
		a5 += v[5]
		a6 += v[6]
		a7 += v[7]
	}
	for ; i < len(s); i++ {
		a0 += s[i]
	}
	return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
}

// addChannelBias adds bias[c] to every value of channel c of one image y
// ([len(bias), plane]).
func addChannelBias[T Float](y, bias []T, plane int) {
	for c, b := range bias {
		row := y[c*plane : (c+1)*plane]
		for j := range row {
			row[j] += b
		}
	}
}

// TransposeForward computes a transposed convolution for a batch of n
// images: x is [n, K, OH, OW] (K = g.K input channels), w is [K, C, KH, KW]
// (PyTorch's ConvTranspose2d layout [in, out, kH, kW]), bias is [C] or nil,
// and y ([n, C, H, W]) is overwritten. It is the adjoint of [Forward]
// without bias.
func TransposeForward[T Float](g *Geom, n int, x, w, bias, y []T, ws *Workspace[T]) error {
	if err := BackwardData(g, n, x, w, y, ws); err != nil {
		return err
	}
	if bias != nil {
		plane, in := g.H*g.W, g.InSize()
		for i := 0; i < n; i++ {
			addChannelBias(y[i*in:(i+1)*in], bias, plane)
		}
	}
	return nil
}

// TransposeBackwardData computes the input gradient of a transposed
// convolution: dx ([n, K, OH, OW]) = conv(dy, w), dy being [n, C, H, W].
func TransposeBackwardData[T Float](g *Geom, n int, dy, w, dx []T, ws *Workspace[T]) error {
	return Forward(g, n, dy, w, nil, dx, ws)
}

// TransposeBackwardFilter computes the weight gradient of a transposed
// convolution with input x ([n, K, OH, OW]) and output gradient dy
// ([n, C, H, W]); dw ([K, C, KH, KW]) is overwritten.
func TransposeBackwardFilter[T Float](g *Geom, n int, x, dy, dw []T, ws *Workspace[T]) error {
	// For y = Aᵀx with A the convolution, dW of ⟨dy, Aᵀ_W x⟩ = ⟨A_W dy, x⟩:
	// the filter gradient of the forward convolution of dy against x.
	return BackwardFilter(g, n, dy, x, dw, ws)
}
