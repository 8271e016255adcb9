package rbm

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/gophys/gophys/physnn"
)

// LocalityStats summarizes how local the receptive fields of a layer are
// on an L×L periodic lattice ([Locality]).
type LocalityStats struct {
	// Active is the number of units whose ‖w‖₁ is above the median: the
	// units that carry weight.
	Active int
	// Fraction is the share of active units with at least half of their |w|
	// mass inside the window around their centroid.
	Fraction float64
	// MeanShare is the mean share of |w| mass inside the window over the
	// active units (≈ window²/L² for random weights).
	MeanShare float64
	// MeanRadius is the mean over active units of the core radius, in
	// lattice spacings: the |w|-weighted RMS periodic distance of the
	// field's core, the sites with |w| ≥ ½ max |w|, from the core's
	// centroid. A single site has radius 0, a uniform 3×3 block √(4/3),
	// and random weights, whose core is scattered over the lattice,
	// ≈ L/√6 (0.41 L) at most. Measured on the core it follows the
	// blob the unit couples to, not the weak tails, which hold a share
	// of the mass that grows with the lattice, and which partly cancel in
	// products of weight matrices.
	MeanRadius float64
	// MeanRMSRadius is the mean over active units of the |w|-weighted RMS
	// periodic distance of the whole field from its centroid (tails
	// included).
	MeanRMSRadius float64
}

// Locality measures the receptive fields (shape [L*L, units], one column
// per unit, row y·L + x) on a periodic L×L lattice. For each unit it finds
// the |w|-weighted centroid (circular mean per axis), the share of |w|
// mass in the window×window square around it, the core radius and the RMS
// radius (see [LocalityStats]).
func Locality(fields *physnn.Tensor, L, window int) (LocalityStats, error) {
	if fields == nil || fields.Err() != nil {
		return LocalityStats{}, fmt.Errorf("rbm: Locality of an invalid tensor")
	}
	sh := fields.Shape()
	if len(sh) != 2 || sh[0] != L*L || L < 2 {
		return LocalityStats{}, fmt.Errorf("rbm: Locality of shape %v on a %d×%d lattice; want [%d units]", sh, L, L, L*L)
	}
	if window < 1 || window > L {
		return LocalityStats{}, fmt.Errorf("rbm: Locality window %d; use 1..%d", window, L)
	}
	units := sh[1]
	vals := fields.Data()
	norms := make([]float64, units)
	for j := range units {
		for i := 0; i < L*L; i++ {
			norms[j] += math.Abs(float64(vals[i*units+j]))
		}
	}
	sorted := append([]float64(nil), norms...)
	sort.Float64s(sorted)
	median := sorted[units/2]
	if units%2 == 0 {
		median = (sorted[units/2-1] + sorted[units/2]) / 2
	}
	var st LocalityStats
	half := float64(window) / 2
	abs := make([]float64, L*L)
	for j := range units {
		if norms[j] <= median || norms[j] == 0 {
			continue
		}
		st.Active++
		for i := 0; i < L*L; i++ {
			abs[i] = math.Abs(float64(vals[i*units+j]))
		}
		// The window sits on the centroid snapped to a site, so that it
		// covers exactly window×window sites.
		x0, y0 := centroid(abs, L, 0)
		x0, y0 = math.Round(x0), math.Round(y0)
		inside := 0.0
		for i, a := range abs {
			dx := periodic(float64(i%L)-x0, L)
			dy := periodic(float64(i/L)-y0, L)
			// An odd window is centred on the site; an even one covers
			// offsets −w/2 .. w/2−1.
			if dx >= -half && dx < half && dy >= -half && dy < half {
				inside += a
			}
		}
		share := inside / norms[j]
		st.MeanShare += share
		st.MeanRMSRadius += radius(abs, L, 0)
		st.MeanRadius += radius(abs, L, 0.5)
		if share >= 0.5 {
			st.Fraction++
		}
	}
	if st.Active > 0 {
		st.Fraction /= float64(st.Active)
		st.MeanShare /= float64(st.Active)
		st.MeanRadius /= float64(st.Active)
		st.MeanRMSRadius /= float64(st.Active)
	}
	return st, nil
}

// centroid returns the mass-weighted centroid (x, y) of the sites of an
// L×L periodic lattice whose mass is at least frac times the largest, as a
// circular mean per axis, in [−L/2, L/2).
func centroid(mass []float64, L int, frac float64) (x, y float64) {
	cut := frac * slices.Max(mass)
	var cx, sx, cy, sy float64
	for i, a := range mass {
		if a < cut {
			continue
		}
		tx := 2 * math.Pi * float64(i%L) / float64(L)
		ty := 2 * math.Pi * float64(i/L) / float64(L)
		cx += a * math.Cos(tx)
		sx += a * math.Sin(tx)
		cy += a * math.Cos(ty)
		sy += a * math.Sin(ty)
	}
	return math.Atan2(sx, cx) / (2 * math.Pi) * float64(L), math.Atan2(sy, cy) / (2 * math.Pi) * float64(L)
}

// radius returns the mass-weighted RMS periodic distance from their
// centroid of the sites whose mass is at least frac times the largest:
// frac = 0 takes the whole field, frac = ½ its core.
func radius(mass []float64, L int, frac float64) float64 {
	cut := frac * slices.Max(mass)
	x0, y0 := centroid(mass, L, frac)
	total, r2 := 0.0, 0.0
	for i, a := range mass {
		if a < cut {
			continue
		}
		dx := periodic(float64(i%L)-x0, L)
		dy := periodic(float64(i/L)-y0, L)
		total += a
		r2 += a * (dx*dx + dy*dy)
	}
	return math.Sqrt(r2 / total)
}

// periodic maps an offset to the nearest image in [−L/2, L/2).
func periodic(d float64, L int) float64 {
	l := float64(L)
	d = math.Mod(d, l)
	if d < -l/2 {
		d += l
	} else if d >= l/2 {
		d -= l
	}
	return d
}

// BlockSpins coarse-grains configurations (shape [n, L*L], values 0/1 or
// ±1 as units) by the majority rule over b×b blocks, returning shape
// [n, (L/b)²] in the same units; ties (possible for even b²) are broken by
// a coin from a generator seeded with seed. L must be a multiple of b.
func BlockSpins(data *physnn.Tensor, L, b int, units Units, seed uint64) (*physnn.Tensor, error) {
	if data == nil || data.Err() != nil {
		return nil, fmt.Errorf("rbm: BlockSpins of an invalid tensor")
	}
	sh := data.Shape()
	if len(sh) != 2 || sh[1] != L*L {
		return nil, fmt.Errorf("rbm: BlockSpins of shape %v; want [n %d] for L = %d", sh, L*L, L)
	}
	if b < 1 || L%b != 0 {
		return nil, fmt.Errorf("rbm: block size %d does not divide L = %d", b, L)
	}
	rng := physnn.NewRNG(seed)
	n, lb := sh[0], L/b
	down := float32(0)
	if units == Spin {
		down = -1
	}
	in := data.Data()
	out := make([]float32, n*lb*lb)
	for s := 0; s < n; s++ {
		row := in[s*L*L : (s+1)*L*L]
		for by := 0; by < lb; by++ {
			for bx := 0; bx < lb; bx++ {
				sum := 0
				for y := by * b; y < (by+1)*b; y++ {
					for x := bx * b; x < (bx+1)*b; x++ {
						if row[y*L+x] > 0.5*(1+down) {
							sum++
						} else {
							sum--
						}
					}
				}
				up := sum > 0 || (sum == 0 && rng.IntN(2) == 1)
				v := down
				if up {
					v = 1
				}
				out[s*lb*lb+by*lb+bx] = v
			}
		}
	}
	return physnn.New(out, n, lb*lb), nil
}

// Magnetization returns ⟨|m|⟩ and the nearest-neighbour correlation
// ⟨s_i s_{i+1}⟩ (over both axes, periodic) of configurations of shape
// [n, L*L] with values 0/1 (mapped to ±1) or ±1.
func Magnetization(data *physnn.Tensor, L int, units Units) (absM, nearest float64, err error) {
	if data == nil || data.Err() != nil {
		return 0, 0, fmt.Errorf("rbm: Magnetization of an invalid tensor")
	}
	sh := data.Shape()
	if len(sh) != 2 || sh[1] != L*L || sh[0] < 1 {
		return 0, 0, fmt.Errorf("rbm: Magnetization of shape %v; want [n %d] for L = %d", sh, L*L, L)
	}
	vals := data.Data()
	spin := func(v float32) float64 {
		if units == Binary {
			return float64(2*v - 1)
		}
		return float64(v)
	}
	n := sh[0]
	for s := 0; s < n; s++ {
		row := vals[s*L*L : (s+1)*L*L]
		m, c := 0.0, 0.0
		for i := range row {
			x, y := i%L, i/L
			si := spin(row[i])
			m += si
			c += si * (spin(row[y*L+(x+1)%L]) + spin(row[((y+1)%L)*L+x]))
		}
		absM += math.Abs(m) / float64(L*L)
		nearest += c / float64(2*L*L)
	}
	return absM / float64(n), nearest / float64(n), nil
}
