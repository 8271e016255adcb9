package physnn_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/physnntest"
)

func TestPoolGradients(t *testing.T) {
	cases := []struct {
		name      string
		x         []int
		k, stride int
		output    []int
	}{
		{"2x2_on_5x7_drops_edge", []int{1, 1, 5, 7}, 2, 0, []int{1, 1, 2, 3}},
		{"3x3_s2_overlap_n3", []int{3, 2, 7, 5}, 3, 2, []int{3, 2, 3, 2}},
		{"2x2_s1_overlap", []int{2, 3, 4, 5}, 2, 1, []int{2, 3, 3, 4}},
		{"whole_image", []int{2, 2, 3, 3}, 3, 1, []int{2, 2, 1, 1}},
	}
	for i, tc := range cases {
		for _, pool := range []struct {
			name string
			f    func(*physnn.Tensor, int, int) *physnn.Tensor
		}{{"max", physnn.MaxPool2D}, {"avg", physnn.AvgPool2D}} {
			t.Run(pool.name+"/"+tc.name, func(t *testing.T) {
				// Distinct uniform values: ties in a max window, where
				// finite differences and the sub-gradient disagree, have
				// probability zero.
				x := randTensor(uint64(i+200), tc.x...)
				f := func(in []*physnn.Tensor) *physnn.Tensor { return pool.f(in[0], tc.k, tc.stride) }
				if got := f([]*physnn.Tensor{x}); !slices.Equal(got.Shape(), tc.output) {
					t.Fatalf("output shape %v (err %v), want %v", got.Shape(), got.Err(), tc.output)
				}
				physnntest.CheckGrad(t, pool.name+"pool2d", f, x)
			})
		}
	}
}

// TestPoolValues pins both pools to values worked out by hand.
func TestPoolValues(t *testing.T) {
	x := physnn.New([]float32{
		1, 5, 2, 0, 9,
		3, 4, 8, 1, 9,
		7, 6, 0, 2, 9,
	}, 1, 1, 3, 5)
	cases := []struct {
		name string
		y    *physnn.Tensor
		want []float32
	}{
		// 2×2 windows at stride 2 cover columns 0-1 and 2-3 of rows 0-1;
		// the last row and column do not fill a window and are dropped.
		{"max_k2", physnn.MaxPool2D(x, 2, 0), []float32{5, 8}},
		{"avg_k2", physnn.AvgPool2D(x, 2, 0), []float32{13.0 / 4, 11.0 / 4}},
		// 2×2 windows at stride 1.
		{"max_k2_s1", physnn.MaxPool2D(x, 2, 1), []float32{5, 8, 8, 9, 7, 8, 8, 9}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.y.Err(); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tc.y.Data(), tc.want) {
				t.Fatalf("got %v, want %v", tc.y.Data(), tc.want)
			}
		})
	}
}

// TestMaxPoolGradientGoesToWinner checks that overlapping windows that
// take the same input add their gradients there.
func TestMaxPoolGradientGoesToWinner(t *testing.T) {
	x := physnn.New([]float32{0, 1, 0, 0, 9, 0, 0, 2, 0}, 1, 1, 3, 3).SetRequiresGrad(true)
	// All four 2×2 windows at stride 1 contain the 9 in the centre.
	if err := physnn.MaxPool2D(x, 2, 1).Sum().Backward(); err != nil {
		t.Fatal(err)
	}
	want := []float32{0, 0, 0, 0, 4, 0, 0, 0, 0}
	if got := x.Grad().Data(); !slices.Equal(got, want) {
		t.Fatalf("gradient %v, want %v", got, want)
	}
}

func TestPoolShapeErrors(t *testing.T) {
	cases := []struct {
		name string
		got  *physnn.Tensor
		want string
	}{
		{"2-D input", physnn.MaxPool2D(physnn.Zeros(4, 4), 2, 2), "maxpool2d [4 4]: input must be 4-D [batch, channels, height, width], got 2-D"},
		{"window too large", physnn.AvgPool2D(physnn.Zeros(1, 1, 3, 5), 4, 1), "avgpool2d [1 1 3 5]: height: kernel size 4 is larger than the padded input size 3"},
		{"zero window", physnn.MaxPool2D(physnn.Zeros(1, 1, 3, 5), 0, 1), "maxpool2d [1 1 3 5]: height: kernel size 0 must be at least 1"},
		{"negative stride", physnn.MaxPool2D(physnn.Zeros(1, 1, 3, 5), 2, -2), "maxpool2d [1 1 3 5]: height: stride -2 must be at least 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.got.Err()
			var se *physnn.ShapeError
			if !errors.As(err, &se) || err.Error() != tc.want {
				t.Fatalf("err = %v, want *ShapeError %q", err, tc.want)
			}
		})
	}
}

func ExampleMaxPool2D() {
	x := physnn.New([]float32{
		1, 5, 2, 0,
		3, 4, 8, 1,
		7, 6, 0, 2,
		0, 1, 3, 9,
	}, 1, 1, 4, 4)
	fmt.Println(physnn.MaxPool2D(x, 2, 0)) // stride 0: non-overlapping windows
	fmt.Println(physnn.AvgPool2D(x, 2, 0))
	// Output:
	// Tensor[1 1 2 2] [[[[5 8] [7 9]]]]
	// Tensor[1 1 2 2] [[[[3.25 2.75] [3.5 3.5]]]]
}
