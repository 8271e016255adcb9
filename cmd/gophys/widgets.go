package main

import (
	"github.com/gophys/gophys/display"
	"github.com/gophys/gophys/display/widgets"
	"github.com/gophys/gophys/kernel"
)

// widgetComms adapts the kernel's comms to widgets.Comms, so package
// display/widgets speaks the jupyter.widget protocol without importing the
// kernel.
type widgetComms struct{ k *kernel.Kernel }

// widgetComms implements widgets.Parents, so Output.Capture routes by msg_id.
var _ widgets.Parents = widgetComms{}

// CellParentID implements widgets.Parents.
func (w widgetComms) CellParentID() string { return w.k.CellParentID() }

// CommParentID implements widgets.Parents.
func (w widgetComms) CommParentID() string { return w.k.CommParentID() }

// CommPublisher implements widgets.Parents: displays go out with the comm
// message being served as their parent.
func (w widgetComms) CommPublisher() display.Publisher {
	out := w.k.CommOutput()
	if out == nil {
		return nil
	}
	return outputPublisher{out}
}

// outputPublisher adapts a kernel.Output to display.Publisher.
type outputPublisher struct{ out kernel.Output }

func (p outputPublisher) Publish(b display.Bundle) error {
	p.out.Display(kernel.DisplayData{Data: b.Data, Metadata: b.Metadata, DisplayID: b.DisplayID})
	return nil
}

func (p outputPublisher) Update(b display.Bundle) error {
	p.out.Display(kernel.DisplayData{Data: b.Data, Metadata: b.Metadata, DisplayID: b.DisplayID, Update: true})
	return nil
}

func (p outputPublisher) Clear(wait bool) error {
	p.out.ClearOutput(wait)
	return nil
}

// widgetComm adapts one *kernel.Comm to widgets.Comm.
type widgetComm struct{ c *kernel.Comm }

func (c widgetComm) ID() string { return c.c.ID() }

func (c widgetComm) Send(data map[string]any, buffers [][]byte) error {
	return c.c.Send(kernel.CommMessage{Data: data, Buffers: buffers})
}

func (c widgetComm) Close(data map[string]any) error {
	return c.c.Close(kernel.CommMessage{Data: data})
}

// commHandler adapts a widgets.Handler to kernel.CommHandler.
func commHandler(h widgets.Handler) kernel.CommHandler {
	return kernel.CommHandlerFuncs{
		Msg:   func(c *kernel.Comm, m kernel.CommMessage) { h.HandleMsg(widgetComm{c}, m.Data, m.Buffers) },
		Close: func(c *kernel.Comm, m kernel.CommMessage) { h.HandleClose(widgetComm{c}, m.Data) },
	}
}

func (w widgetComms) Open(target string, data, metadata map[string]any, buffers [][]byte, h widgets.Handler) (widgets.Comm, error) {
	var handler kernel.CommHandler
	if h != nil {
		handler = commHandler(h)
	}
	c, err := w.k.OpenComm(target, kernel.CommMessage{Data: data, Metadata: metadata, Buffers: buffers}, handler)
	if err != nil {
		return nil, err
	}
	return widgetComm{c}, nil
}

func (w widgetComms) RegisterTarget(name string, t widgets.Target) {
	if t == nil {
		w.k.RegisterCommTarget(name, nil)
		return
	}
	w.k.RegisterCommTarget(name, func(c *kernel.Comm, open kernel.CommMessage) (kernel.CommHandler, error) {
		h, err := t(widgetComm{c}, open.Data, open.Buffers)
		if err != nil || h == nil {
			return nil, err
		}
		return commHandler(h), nil
	})
}
