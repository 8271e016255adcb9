package conv

// validRange returns the output positions [lo, hi) along one axis whose
// input position o*stride - pad + k lies inside [0, in). Positions outside
// the range read zero padding.
func validRange(out, in, stride, pad, k int) (lo, hi int) {
	// o*stride >= pad-k  ⇔  o >= ceil((pad-k)/stride)
	if d := pad - k; d > 0 {
		lo = (d + stride - 1) / stride
	}
	// o*stride <= in-1+pad-k  ⇔  o <= floor((in-1+pad-k)/stride)
	if d := in - 1 + pad - k; d >= 0 {
		hi = d/stride + 1
	}
	lo, hi = min(lo, out), min(hi, out)
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

// Im2Col writes the [C·KH·KW, OH·OW] patch matrix of one image x
// ([C, H, W]) into col. Row (c, kh, kw) holds, for every output pixel, the
// input value that the filter tap (kh, kw) of channel c multiplies; taps that
// fall into the padding read zero.
func Im2Col[T Float](g *Geom, x, col []T) {
	im2colLD(g, x, col, g.OH*g.OW)
}

// im2colLD is Im2Col writing row r of the patch matrix at col[r·ld:], so
// several images can fill side-by-side column blocks of one wider matrix.
func im2colLD[T Float](g *Geom, x, col []T, ld int) {
	ohw := g.OH * g.OW
	row := 0
	contiguous := g.StrideH == 1 && g.StrideW == 1 && g.OW == g.W
	for c := 0; c < g.C; c++ {
		plane := x[c*g.H*g.W : (c+1)*g.H*g.W]
		for kh := 0; kh < g.KH; kh++ {
			ohLo, ohHi := validRange(g.OH, g.H, g.StrideH, g.PadTop, kh)
			for kw := 0; kw < g.KW; kw++ {
				owLo, owHi := validRange(g.OW, g.W, g.StrideW, g.PadLeft, kw)
				dst := col[row*ld : row*ld+ohw]
				row++
				clear(dst[:ohLo*g.OW])
				clear(dst[ohHi*g.OW:])
				if contiguous && ohLo < ohHi && owLo < owHi {
					shiftedCopy(g, dst, plane, kh, kw, ohLo, ohHi, owLo, owHi)
					continue
				}
				for oh := ohLo; oh < ohHi; oh++ {
					d := dst[oh*g.OW : (oh+1)*g.OW]
					clear(d[:owLo])
					clear(d[owHi:])
					if owLo == owHi {
						continue
					}
					ih := oh*g.StrideH - g.PadTop + kh
					iw0 := owLo*g.StrideW - g.PadLeft + kw
					src := plane[ih*g.W:]
					if g.StrideW == 1 {
						copy(d[owLo:owHi], src[iw0:iw0+owHi-owLo])
						continue
					}
					iw := iw0
					for ow := owLo; ow < owHi; ow++ {
						d[ow] = src[iw]
						iw += g.StrideW
					}
				}
			}
		}
	}
}

// shiftedCopy fills the rows ohLo..ohHi-1 of one patch-matrix row (tap kh,
// kw) of a stride-1 convolution whose output is as wide as its input
// ("same" padding): there the taps read the input plane shifted by
// (kh-PadTop, kw-PadLeft), so the valid values form one contiguous run of
// the plane, copied at once; only the few values that wrapped around a row
// edge (the padding columns) are zeroed afterwards. Copying row by row
// instead cost three calls per 16-wide row on the jet CNN's layers.
func shiftedCopy[T Float](g *Geom, dst, plane []T, kh, kw, ohLo, ohHi, owLo, owHi int) {
	w := g.W
	shift := (kh-g.PadTop)*w + kw - g.PadLeft
	first, last := ohLo*w+owLo, (ohHi-1)*w+owHi // [first, last) in dst
	copy(dst[first:last], plane[first+shift:last+shift])
	for oh := ohLo; oh < ohHi; oh++ {
		row := dst[oh*w : oh*w+w]
		for i := 0; i < owLo; i++ {
			row[i] = 0
		}
		for i := owHi; i < w; i++ {
			row[i] = 0
		}
	}
}

// shiftedAdd is the adjoint of shiftedCopy: it adds one patch-matrix row
// (tap kh, kw) of a stride-1, same-width convolution into the input plane
// as one contiguous run. The values in src that were read from the padding
// columns would land on the neighbouring row's edge pixels, so they are
// set to zero first (src is the caller's scratch); adding zero leaves those
// pixels exact, as skipping them would.
func shiftedAdd[T Float](g *Geom, plane, src []T, kh, kw, ohLo, ohHi, owLo, owHi int) {
	w := g.W
	shift := (kh-g.PadTop)*w + kw - g.PadLeft
	first, last := ohLo*w+owLo, (ohHi-1)*w+owHi
	for oh := ohLo; oh < ohHi; oh++ {
		row := src[oh*w : oh*w+w]
		for i := 0; i < owLo; i++ {
			row[i] = 0
		}
		for i := owHi; i < w; i++ {
			row[i] = 0
		}
	}
	s := src[first:last]
	d := plane[first+shift : last+shift]
	d = d[:len(s)]
	for i, v := range s {
		d[i] += v
	}
}

// Col2Im is the adjoint of [Im2Col]: it overwrites x ([C, H, W]) with the
// sum, over all patch-matrix entries, of each entry added to the input pixel
// it was read from. Entries that were read from the padding are dropped;
// Col2Im may set them to zero in col (callers pass scratch matrices).
func Col2Im[T Float](g *Geom, col, x []T) {
	col2imLD(g, col, x, g.OH*g.OW)
}

// col2imLD is Col2Im reading row r of the patch matrix at col[r·ld:].
func col2imLD[T Float](g *Geom, col, x []T, ld int) {
	clear(x[:g.C*g.H*g.W])
	ohw := g.OH * g.OW
	row := 0
	contiguous := g.StrideH == 1 && g.StrideW == 1 && g.OW == g.W
	for c := 0; c < g.C; c++ {
		plane := x[c*g.H*g.W : (c+1)*g.H*g.W]
		for kh := 0; kh < g.KH; kh++ {
			ohLo, ohHi := validRange(g.OH, g.H, g.StrideH, g.PadTop, kh)
			for kw := 0; kw < g.KW; kw++ {
				owLo, owHi := validRange(g.OW, g.W, g.StrideW, g.PadLeft, kw)
				src := col[row*ld : row*ld+ohw]
				row++
				if owLo == owHi {
					continue
				}
				if contiguous && ohLo < ohHi {
					shiftedAdd(g, plane, src, kh, kw, ohLo, ohHi, owLo, owHi)
					continue
				}
				for oh := ohLo; oh < ohHi; oh++ {
					s := src[oh*g.OW+owLo : oh*g.OW+owHi]
					ih := oh*g.StrideH - g.PadTop + kh
					iw := owLo*g.StrideW - g.PadLeft + kw
					dst := plane[ih*g.W:]
					if g.StrideW == 1 {
						d := dst[iw : iw+len(s)]
						for i, v := range s {
							d[i] += v
						}
						continue
					}
					for _, v := range s {
						dst[iw] += v
						iw += g.StrideW
					}
				}
			}
		}
	}
}
