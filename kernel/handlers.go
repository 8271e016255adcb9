package kernel

import (
	"fmt"
	"unicode/utf8"
)

// lane says where a shell request is served.
type lane int

const (
	laneNone  lane = iota // not accepted on shell
	laneShell             // in order, on the shell worker (behind a running cell)
	laneComm              // on the comm worker, beside a running cell
)

// handler is one entry of the dispatch table.
type handler struct {
	run     func(k *Kernel, r *request)
	lane    lane // how shell serves it
	control bool // also accepted on the control channel
}

// handlerTable maps every message type the kernel serves to its handler. It
// is the one place a new message type is wired in (xeus's table).
func handlerTable() map[string]handler {
	return map[string]handler{
		MsgKernelInfoRequest: {run: (*Kernel).handleKernelInfo, lane: laneShell, control: true},
		MsgExecuteRequest:    {run: (*Kernel).handleExecute, lane: laneShell},
		MsgCompleteRequest:   {run: (*Kernel).handleComplete, lane: laneShell},
		MsgInspectRequest:    {run: (*Kernel).handleInspect, lane: laneShell},
		MsgIsCompleteRequest: {run: (*Kernel).handleIsComplete, lane: laneShell},
		MsgHistoryRequest:    {run: (*Kernel).handleHistory, lane: laneShell},
		MsgCommInfoRequest:   {run: (*Kernel).handleCommInfo, lane: laneComm},
		MsgInterruptRequest:  {run: (*Kernel).handleInterrupt, lane: laneNone, control: true},
		MsgShutdownRequest:   {run: (*Kernel).handleShutdown, lane: laneShell, control: true},
		MsgCommOpen:          {run: (*Kernel).handleCommOpen, lane: laneComm},
		MsgCommMsg:           {run: (*Kernel).handleCommMsg, lane: laneComm},
		MsgCommClose:         {run: (*Kernel).handleCommClose, lane: laneComm},
	}
}

// sentByKernel lists the request types the kernel sends rather than serves;
// frontends never send them, so they have no handler.
var sentByKernel = map[string]bool{MsgInputRequest: true}

func (k *Kernel) handleKernelInfo(r *request) {
	var info LanguageInfo
	func() {
		defer k.recoverAndLog("Interpreter.Info")
		info = k.interp.Info()
	}()
	links := info.HelpLinks
	if links == nil {
		links = []HelpLink{}
	}
	k.reply(r, kernelInfoReply{
		Status:                statusOK,
		ProtocolVersion:       ProtocolVersion,
		Implementation:        "gophys",
		ImplementationVersion: k.version,
		LanguageInfo: languageInfoContent{
			Name:           info.Name,
			Version:        info.Version,
			Mimetype:       info.Mimetype,
			FileExtension:  info.FileExtension,
			PygmentsLexer:  info.PygmentsLexer,
			CodemirrorMode: info.CodemirrorMode,
		},
		Banner:    info.Banner,
		HelpLinks: links,
	})
}

func (k *Kernel) handleComplete(r *request) {
	req := completeRequest{CursorPos: -1}
	if err := r.decode(&req); err != nil {
		k.replyError(r, "BadRequest", err.Error())
		return
	}
	pos := clampCursor(req.Code, req.CursorPos)
	var c Completion
	if !k.callInterpreter(r, "Complete", func() { c = k.interp.Complete(req.Code, pos) }) {
		return
	}
	if c.Matches == nil {
		c.Matches = []string{}
		c.CursorStart, c.CursorEnd = pos, pos
	}
	if c.Metadata == nil {
		c.Metadata = map[string]any{}
	}
	k.reply(r, completeReply{Status: statusOK, Matches: c.Matches,
		CursorStart: c.CursorStart, CursorEnd: c.CursorEnd, Metadata: c.Metadata})
}

func (k *Kernel) handleInspect(r *request) {
	req := inspectRequest{CursorPos: -1}
	if err := r.decode(&req); err != nil {
		k.replyError(r, "BadRequest", err.Error())
		return
	}
	pos := clampCursor(req.Code, req.CursorPos)
	var in Inspection
	if !k.callInterpreter(r, "Inspect", func() { in = k.interp.Inspect(req.Code, pos, req.DetailLevel) }) {
		return
	}
	if in.Data == nil {
		in.Data = map[string]any{}
	}
	if in.Metadata == nil {
		in.Metadata = map[string]any{}
	}
	k.reply(r, inspectReply{Status: statusOK, Found: in.Found, Data: in.Data, Metadata: in.Metadata})
}

func (k *Kernel) handleIsComplete(r *request) {
	var req isCompleteRequest
	if err := r.decode(&req); err != nil {
		k.replyError(r, "BadRequest", err.Error())
		return
	}
	var ic IsComplete
	if !k.callInterpreter(r, "IsComplete", func() { ic = k.interp.IsComplete(req.Code) }) {
		return
	}
	switch ic.Status {
	case "complete", "incomplete", "invalid", "unknown":
	default:
		ic.Status = "unknown"
	}
	reply := isCompleteReply{Status: ic.Status}
	if ic.Status == "incomplete" {
		reply.Indent = ic.Indent
	}
	k.reply(r, reply)
}

// callInterpreter runs f, turning a panic into an error reply. It reports
// whether f returned normally.
func (k *Kernel) callInterpreter(r *request, what string, f func()) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			k.log.Error("Interpreter."+what+" panicked", "panic", p)
			k.replyError(r, "InterpreterError", fmt.Sprintf("%s failed: %v", what, p))
			ok = false
		}
	}()
	f()
	return true
}

// clampCursor maps a missing or out-of-range cursor (in code points) to the
// end of code, as frontends mean when they omit it.
func clampCursor(code string, pos int) int {
	n := utf8.RuneCountInString(code)
	if pos < 0 || pos > n {
		return n
	}
	return pos
}

func (k *Kernel) handleHistory(r *request) {
	var req historyRequest
	if err := r.decode(&req); err != nil {
		k.replyError(r, "BadRequest", err.Error())
		return
	}
	entries, err := k.history.query(req)
	if err != nil {
		k.replyError(r, "BadRequest", err.Error())
		return
	}
	k.reply(r, historyReply{Status: statusOK, History: entries})
}

func (k *Kernel) handleInterrupt(r *request) {
	k.Interrupt()
	k.reply(r, statusReply{Status: statusOK})
}

func (k *Kernel) handleShutdown(r *request) {
	var req shutdownRequest
	if err := r.decode(&req); err != nil {
		k.replyError(r, "BadRequest", err.Error())
		return
	}
	content := shutdownReply{Status: statusOK, Restart: req.Restart}
	k.reply(r, content)
	// ipykernel also broadcasts the reply, so every client learns of it.
	k.publish(&r.msg.Header, MsgShutdownReply, content)
	k.Shutdown(req.Restart)
}
