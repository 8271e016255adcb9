package train

import "testing"

func TestWithDefaultCallbacks(t *testing.T) {
	user := CallbackFuncs{}
	extra := CallbackFuncs{Step: func(StepInfo) error { return nil }}
	cases := []struct {
		name    string
		factory DefaultCallbackFactory
		user    []Callback
		want    int
	}{
		{"no factory", nil, []Callback{user}, 1},
		{"factory adds one", func(Config) []Callback { return []Callback{extra} }, []Callback{user}, 2},
		{"factory adds none", func(Config) []Callback { return nil }, []Callback{user}, 1},
		{"nil entries dropped", func(Config) []Callback { return []Callback{nil, extra} }, nil, 1},
		{"panicking factory adds nothing", func(Config) []Callback { panic("boom") }, []Callback{user}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			SetDefaultCallbacks(tc.factory)
			defer SetDefaultCallbacks(nil)
			userSlice := make([]Callback, len(tc.user), len(tc.user)+4) // room to catch in-place appends
			copy(userSlice, tc.user)
			got := withDefaultCallbacks(Config{Callbacks: userSlice})
			if len(got) != tc.want {
				t.Fatalf("got %d callbacks, want %d", len(got), tc.want)
			}
			if extended := userSlice[:cap(userSlice)]; len(tc.user) < len(extended) && extended[len(tc.user)] != nil {
				t.Errorf("the user's Callbacks slice was appended to in place")
			}
		})
	}
}
