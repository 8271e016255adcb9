package kernel_test

import (
	"testing"

	"github.com/gophys/gophys/kernel"
	"github.com/gophys/gophys/kernel/internal/wire"
	"github.com/gophys/gophys/kernel/kerneltest"
)

// While a comm handler runs, the kernel names the comm message it serves:
// CommParentID, CommOutput's displays, and every comm message the kernel
// sends (on any comm) carry it as their parent, as in ipykernel, so an
// ipywidgets Output area can capture a callback's outputs by msg_id.
func TestCommParent(t *testing.T) {
	_, k, c := start(t, kernel.Config{})
	if id, out := k.CommParentID(), k.CommOutput(); id != "" || out != nil {
		t.Fatalf("between messages: CommParentID %q, CommOutput %v; want none", id, out)
	}
	if id := k.CellParentID(); id != "" {
		t.Fatalf("idle kernel: CellParentID %q", id)
	}
	other, err := k.OpenComm("jupyter.widget", kernel.CommMessage{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := make(chan string, 1)
	k.RegisterCommTarget("test.parent", func(*kernel.Comm, kernel.CommMessage) (kernel.CommHandler, error) {
		return kernel.CommHandlerFuncs{Msg: func(*kernel.Comm, kernel.CommMessage) {
			seen <- k.CommParentID()
			_ = other.Send(kernel.CommMessage{Data: map[string]any{"method": "update", "state": map[string]any{"msg_id": k.CommParentID()}}})
			k.CommOutput().Display(kernel.DisplayData{Data: map[string]any{"text/plain": "from the callback"}})
		}}, nil
	})
	id := wire.NewID()
	c.WaitIdle(t, c.Send(kernel.Shell, kernel.MsgCommOpen, map[string]any{"comm_id": id, "target_name": "test.parent", "data": map[string]any{}}))
	msg := c.Send(kernel.Shell, kernel.MsgCommMsg, map[string]any{"comm_id": id, "data": map[string]any{}})
	got := c.WaitIdle(t, msg)
	if p := <-seen; p != msg {
		t.Errorf("CommParentID in the handler = %q, want the comm_msg %q", p, msg)
	}
	var update, disp *kerneltest.Message
	for i, m := range got {
		switch m.Type() {
		case kernel.MsgCommMsg:
			update = &got[i]
		case kernel.MsgDisplayData:
			disp = &got[i]
		}
	}
	if update == nil || update.Content["comm_id"] != other.ID() {
		t.Fatalf("no comm_msg on the other comm with the comm_msg as parent in %v", types(got))
	}
	if st := update.Content["data"].(map[string]any)["state"].(map[string]any); st["msg_id"] != msg {
		t.Errorf("update state %v, want msg_id %s", st, msg)
	}
	if disp == nil || disp.Content["data"].(map[string]any)["text/plain"] != "from the callback" {
		t.Errorf("no display_data from CommOutput with the comm_msg as parent in %v", types(got))
	}
	if id, out := k.CommParentID(), k.CommOutput(); id != "" || out != nil {
		t.Errorf("after the handler: CommParentID %q, CommOutput %v; want none", id, out)
	}

	// A running cell is the parent of comm messages sent outside handlers.
	running := c.Send(kernel.Shell, kernel.MsgExecuteRequest, map[string]any{"code": "loop"})
	c.WaitFor(t, "cell running", func(m kerneltest.Message) bool {
		return m.Parent.MsgID == running && m.Type() == kernel.MsgExecuteInput
	})
	if id := k.CellParentID(); id != running {
		t.Errorf("CellParentID = %q, want the running execute_request %q", id, running)
	}
	if err := other.Send(kernel.CommMessage{Data: map[string]any{"from": "cell"}}); err != nil {
		t.Fatal(err)
	}
	c.WaitFor(t, "comm_msg from the cell", func(m kerneltest.Message) bool {
		return m.Type() == kernel.MsgCommMsg && m.Parent.MsgID == running && m.Content["comm_id"] == other.ID()
	})
	k.Interrupt()
	c.WaitReply(t, running)
}
