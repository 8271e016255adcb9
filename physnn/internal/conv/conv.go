package conv

// Forward computes the convolution y = x ⋆ w + bias for a batch of n images:
// x is [n, C, H, W], w is [K, C, KH, KW], bias is [K] or nil, and y
// ([n, K, OH, OW]) is overwritten. ws may be nil (scratch is then
// allocated).
func Forward[T Float](g *Geom, n int, x, w, bias, y []T, ws *Workspace[T]) {
	if ws == nil {
		ws = new(Workspace[T])
	}
	rows, cols := g.colRows(), g.colCols()
	in, out := g.InSize(), g.OutSize()
	p := workers(n, g.K*rows*cols)
	ws.reserve(p)
	parallelBatch(n, p, func(worker, lo, hi int) {
		var col []T
		if !g.identityCol() {
			col = ws.colBuf(worker, rows*cols)
		}
		for i := lo; i < hi; i++ {
			xi, yi := x[i*in:(i+1)*in], y[i*out:(i+1)*out]
			c := xi
			if col != nil {
				Im2Col(g, xi, col)
				c = col
			}
			// y_i [K, OH·OW] = W [K, C·KH·KW] · col [C·KH·KW, OH·OW]
			matmul(false, false, g.K, cols, rows, 1, w, rows, c, cols, 0, yi, cols)
			if bias != nil {
				addChannelBias(yi, bias, cols)
			}
		}
	})
}

// BackwardData computes the gradient of a convolution with respect to its
// input: dx = col2im(Wᵀ·dy) for every batch item. dy is [n, K, OH, OW], w is
// [K, C, KH, KW], and dx ([n, C, H, W]) is overwritten. This is also the
// forward pass of the transposed convolution described by g.
func BackwardData[T Float](g *Geom, n int, dy, w, dx []T, ws *Workspace[T]) {
	if ws == nil {
		ws = new(Workspace[T])
	}
	rows, cols := g.colRows(), g.colCols()
	in, out := g.InSize(), g.OutSize()
	p := workers(n, g.K*rows*cols)
	ws.reserve(p)
	parallelBatch(n, p, func(worker, lo, hi int) {
		var col []T
		if !g.identityCol() {
			col = ws.colBuf(worker, rows*cols)
		}
		for i := lo; i < hi; i++ {
			dyi, dxi := dy[i*out:(i+1)*out], dx[i*in:(i+1)*in]
			if col == nil {
				// 1×1 stride-1 convolution: the patch matrix is the image.
				matmul(true, false, rows, cols, g.K, 1, w, rows, dyi, cols, 0, dxi, cols)
				continue
			}
			// col [C·KH·KW, OH·OW] = Wᵀ [C·KH·KW, K] · dy_i [K, OH·OW]
			matmul(true, false, rows, cols, g.K, 1, w, rows, dyi, cols, 0, col, cols)
			Col2Im(g, col, dxi)
		}
	})
}

// BackwardFilter computes the gradient of a convolution with respect to its
// weights: dw = Σ_i dy_i·col(x_i)ᵀ. x is [n, C, H, W], dy is [n, K, OH, OW],
// and dw ([K, C, KH, KW]) is overwritten.
func BackwardFilter[T Float](g *Geom, n int, x, dy, dw []T, ws *Workspace[T]) {
	if ws == nil {
		ws = new(Workspace[T])
	}
	rows, cols := g.colRows(), g.colCols()
	in, out := g.InSize(), g.OutSize()
	size := g.FilterSize()
	p := workers(n, g.K*rows*cols)
	ws.reserve(p)
	parallelBatch(n, p, func(worker, lo, hi int) {
		acc := dw[:size]
		if worker > 0 {
			acc = ws.partialBuf(worker, size)
		}
		var col []T
		if !g.identityCol() {
			col = ws.colBuf(worker, rows*cols)
		}
		var beta T // the first item overwrites acc, later ones add to it
		if lo == hi {
			clear(acc)
		}
		for i := lo; i < hi; i++ {
			xi, dyi := x[i*in:(i+1)*in], dy[i*out:(i+1)*out]
			c := xi
			if col != nil {
				Im2Col(g, xi, col)
				c = col
			}
			// dw [K, C·KH·KW] += dy_i [K, OH·OW] · colᵀ [OH·OW, C·KH·KW]
			matmul(false, true, g.K, rows, cols, 1, dyi, cols, c, cols, beta, acc, rows)
			beta = 1
		}
	})
	for worker := 1; worker < p; worker++ {
		part := ws.partial[worker][:size]
		for j, v := range part {
			dw[j] += v
		}
	}
}

// BiasGrad overwrites db ([channels]) with the sum of dy ([n, channels,
// plane]) over the batch and the plane: the gradient of a per-channel bias.
func BiasGrad[T Float](n, channels, plane int, dy, db []T) {
	clear(db[:channels])
	for i := 0; i < n; i++ {
		for c := 0; c < channels; c++ {
			off := (i*channels + c) * plane
			var s T
			for _, v := range dy[off : off+plane] {
				s += v
			}
			db[c] += s
		}
	}
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
func TransposeForward[T Float](g *Geom, n int, x, w, bias, y []T, ws *Workspace[T]) {
	BackwardData(g, n, x, w, y, ws)
	if bias != nil {
		plane, in := g.H*g.W, g.InSize()
		for i := 0; i < n; i++ {
			addChannelBias(y[i*in:(i+1)*in], bias, plane)
		}
	}
}

// TransposeBackwardData computes the input gradient of a transposed
// convolution: dx ([n, K, OH, OW]) = conv(dy, w), dy being [n, C, H, W].
func TransposeBackwardData[T Float](g *Geom, n int, dy, w, dx []T, ws *Workspace[T]) {
	Forward(g, n, dy, w, nil, dx, ws)
}

// TransposeBackwardFilter computes the weight gradient of a transposed
// convolution with input x ([n, K, OH, OW]) and output gradient dy
// ([n, C, H, W]); dw ([K, C, KH, KW]) is overwritten.
func TransposeBackwardFilter[T Float](g *Geom, n int, x, dy, dw []T, ws *Workspace[T]) {
	// For y = Aᵀx with A the convolution, dW of ⟨dy, Aᵀ_W x⟩ = ⟨A_W dy, x⟩:
	// the filter gradient of the forward convolution of dy against x.
	BackwardFilter(g, n, dy, x, dw, ws)
}
