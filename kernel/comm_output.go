package kernel

// CellParentID returns the msg_id of the execute_request being run, or ""
// when no cell runs. Outputs of the running cell carry it as their parent.
func (k *Kernel) CellParentID() string {
	k.runMu.Lock()
	defer k.runMu.Unlock()
	if k.cellParent == nil {
		return ""
	}
	return k.cellParent.MsgID
}

// CommParentID returns the msg_id of the comm message (comm_open, comm_msg
// or comm_close) whose handler runs now on the kernel's comm goroutine, or
// "" between comm messages. ipywidgets' Output widget captures the outputs
// whose parent has this id while a widget callback runs.
func (k *Kernel) CommParentID() string {
	if h := k.comms.serving.Load(); h != nil {
		return h.MsgID
	}
	return ""
}

// CommOutput returns an Output whose messages have the comm message being
// served now as their parent (see CommParentID), or nil between comm
// messages. Code a comm handler runs can display through it, so that what it
// shows belongs to the frontend's message rather than to a cell. It batches
// stream text as a cell's Output does, and Input fails with ErrNoStdin (a
// comm message has no stdin).
func (k *Kernel) CommOutput() Output {
	h := k.comms.serving.Load()
	if h == nil {
		return nil
	}
	return &cellOutput{k: k, parent: h}
}
