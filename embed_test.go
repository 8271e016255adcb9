package gophys

import (
	"encoding/json"
	"testing"
)

func TestKernelSpecTemplate(t *testing.T) {
	var spec struct {
		Argv          []string `json:"argv"`
		DisplayName   string   `json:"display_name"`
		Language      string   `json:"language"`
		InterruptMode string   `json:"interrupt_mode"`
	}
	if err := json.Unmarshal(KernelSpecTemplate, &spec); err != nil {
		t.Fatalf("kernel.json: %v", err)
	}
	if spec.DisplayName != "Go (gophys)" || spec.Language != "go" || spec.InterruptMode != "message" {
		t.Errorf("kernel.json = %+v; want display name %q, language go, interrupt_mode message", spec, "Go (gophys)")
	}
	if len(spec.Argv) < 4 || spec.Argv[len(spec.Argv)-1] != "{connection_file}" {
		t.Errorf("kernel.json argv = %q; want it to end with {connection_file}", spec.Argv)
	}
}
