package conv

import "github.com/gophys/gophys/physnn/internal/team"

// Locally connected layers ("unshared convolutions", Keras'
// LocallyConnected2D): every output pixel has its own filter bank, so the
// weights are [OH·OW, K, C·KH·KW] and the bias [K, OH·OW]. Calorimeter and
// pile-up networks (CaloGAN, PUMML) use them because detector cells are not
// translation invariant. With one filter per pixel there is no shared GEMM,
// so these are direct loops over the im2col matrix; the networks that use
// them have few filters on small images.

// LocalForward computes y[i, k, p] = Σ_r w[p, k, r]·col(x_i)[r, p] + bias[k, p]
// for a batch of n images x ([n, C, H, W]); w is [OH·OW, K, C·KH·KW], bias
// is [K, OH·OW] or nil, and y ([n, K, OH, OW]) is overwritten. It polls
// ws.Interrupt between images.
func LocalForward[T Float](g *Geom, n int, x, w, bias, y []T, ws *Workspace[T]) error {
	if ws == nil {
		ws = new(Workspace[T])
	}
	rows, cols := g.colRows(), g.colCols()
	in, out := g.InSize(), g.OutSize()
	p := workers(n, g.K*rows*cols)
	ws.reserve(p)
	parallelBatch(n, p, team.Func(func(worker, lo, hi int) {
		col := ws.colBuf(worker, rows*cols)
		for i := lo; i < hi; i++ {
			if ws.stopped(worker) {
				return
			}
			Im2Col(g, x[i*in:(i+1)*in], col)
			yi := y[i*out : (i+1)*out]
			for px := 0; px < cols; px++ {
				for k := 0; k < g.K; k++ {
					var s T
					if bias != nil {
						s = bias[k*cols+px]
					}
					wr := w[(px*g.K+k)*rows : (px*g.K+k+1)*rows]
					for r, wv := range wr {
						s += wv * col[r*cols+px]
					}
					yi[k*cols+px] = s
				}
			}
		}
	}))
	return ws.firstErr()
}

// LocalBackward computes the gradients of [LocalForward] from the output
// gradient dy: dx ([n, C, H, W]), dw ([OH·OW, K, C·KH·KW]) and db
// ([K, OH·OW]), each overwritten, or skipped when nil.
func LocalBackward[T Float](g *Geom, n int, x, w, dy, dx, dw, db []T, ws *Workspace[T]) error {
	if ws == nil {
		ws = new(Workspace[T])
	}
	rows, cols := g.colRows(), g.colCols()
	in, out := g.InSize(), g.OutSize()
	size := cols * g.K * rows
	p := workers(n, 2*g.K*rows*cols)
	ws.reserve(p)
	parallelBatch(n, p, team.Func(func(worker, lo, hi int) {
		col := ws.colBuf(worker, rows*cols)
		var dcol, acc []T
		if dx != nil {
			dcol = ws.matBuf(worker, rows*cols)
		}
		if dw != nil {
			acc = dw[:size]
			if worker > 0 {
				acc = ws.partialBuf(worker, size)
			}
			clear(acc)
		}
		for i := lo; i < hi; i++ {
			if ws.stopped(worker) {
				return
			}
			dyi := dy[i*out : (i+1)*out]
			if dw != nil {
				Im2Col(g, x[i*in:(i+1)*in], col)
			}
			if dcol != nil {
				clear(dcol)
			}
			for px := 0; px < cols; px++ {
				for k := 0; k < g.K; k++ {
					d := dyi[k*cols+px]
					if d == 0 {
						continue // ReLU and max-pool make many output gradients exactly zero
					}
					off := (px*g.K + k) * rows
					if acc != nil {
						for r, a := range acc[off : off+rows] {
							acc[off+r] = a + d*col[r*cols+px]
						}
					}
					if dcol != nil {
						for r, wv := range w[off : off+rows] {
							dcol[r*cols+px] += d * wv
						}
					}
				}
			}
			if dcol != nil {
				Col2Im(g, dcol, dx[i*in:(i+1)*in])
			}
		}
	}))
	if err := ws.firstErr(); err != nil {
		return err
	}
	if dw != nil {
		for worker := 1; worker < p; worker++ {
			for j, v := range ws.partial[worker][:size] {
				dw[j] += v
			}
		}
	}
	if db != nil {
		clear(db[:out])
		for i := 0; i < n; i++ {
			for j, v := range dy[i*out : (i+1)*out] {
				db[j] += v
			}
		}
	}
	return nil
}
