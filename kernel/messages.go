package kernel

// Message types, named after their wire strings. Every *Request constant has
// an entry in the handler table (see handlers.go); a test keeps it so.
const (
	MsgKernelInfoRequest = "kernel_info_request"
	MsgKernelInfoReply   = "kernel_info_reply"
	MsgExecuteRequest    = "execute_request"
	MsgExecuteReply      = "execute_reply"
	MsgCompleteRequest   = "complete_request"
	MsgCompleteReply     = "complete_reply"
	MsgInspectRequest    = "inspect_request"
	MsgInspectReply      = "inspect_reply"
	MsgIsCompleteRequest = "is_complete_request"
	MsgIsCompleteReply   = "is_complete_reply"
	MsgHistoryRequest    = "history_request"
	MsgHistoryReply      = "history_reply"
	MsgCommInfoRequest   = "comm_info_request"
	MsgCommInfoReply     = "comm_info_reply"
	MsgInterruptRequest  = "interrupt_request"
	MsgInterruptReply    = "interrupt_reply"
	MsgShutdownRequest   = "shutdown_request"
	MsgShutdownReply     = "shutdown_reply"

	MsgCommOpen  = "comm_open"
	MsgCommMsg   = "comm_msg"
	MsgCommClose = "comm_close"

	MsgInputRequest = "input_request"
	MsgInputReply   = "input_reply"

	MsgStatus            = "status"
	MsgExecuteInput      = "execute_input"
	MsgStream            = "stream"
	MsgDisplayData       = "display_data"
	MsgUpdateDisplayData = "update_display_data"
	MsgExecuteResult     = "execute_result"
	MsgError             = "error"
	MsgClearOutput       = "clear_output"
)

// Reply status values.
const (
	statusOK      = "ok"
	statusError   = "error"
	statusAborted = "aborted"
)

// Request contents. Fields absent from a request keep Go's zero value unless
// a handler sets a default first.

type executeRequest struct {
	Code            string         `json:"code"`
	Silent          bool           `json:"silent"`
	StoreHistory    bool           `json:"store_history"`
	UserExpressions map[string]any `json:"user_expressions"`
	AllowStdin      bool           `json:"allow_stdin"`
	StopOnError     bool           `json:"stop_on_error"`
}

type completeRequest struct {
	Code      string `json:"code"`
	CursorPos int    `json:"cursor_pos"`
}

type inspectRequest struct {
	Code        string `json:"code"`
	CursorPos   int    `json:"cursor_pos"`
	DetailLevel int    `json:"detail_level"`
}

type isCompleteRequest struct {
	Code string `json:"code"`
}

type historyRequest struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"`
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           *int   `json:"stop"`
	N              *int   `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

type commInfoRequest struct {
	TargetName string `json:"target_name"`
}

type shutdownRequest struct {
	Restart bool `json:"restart"`
}

type commOpenContent struct {
	CommID     string         `json:"comm_id"`
	TargetName string         `json:"target_name"`
	Data       map[string]any `json:"data"`
	// TargetModule is optional in the protocol; omitted when empty.
	TargetModule string `json:"target_module,omitempty"`
}

type commMsgContent struct {
	CommID string         `json:"comm_id"`
	Data   map[string]any `json:"data"`
}

type inputReplyContent struct {
	Value string `json:"value"`
}

// Reply and broadcast contents.

type errorContent struct {
	Status    string   `json:"status,omitempty"`
	Ename     string   `json:"ename"`
	Evalue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
	// ExecutionCount is set on execute_reply errors only.
	ExecutionCount *int `json:"execution_count,omitempty"`
}

type languageInfoContent struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	Mimetype       string `json:"mimetype"`
	FileExtension  string `json:"file_extension"`
	PygmentsLexer  string `json:"pygments_lexer"`
	CodemirrorMode string `json:"codemirror_mode"`
}

type kernelInfoReply struct {
	Status                string              `json:"status"`
	ProtocolVersion       string              `json:"protocol_version"`
	Implementation        string              `json:"implementation"`
	ImplementationVersion string              `json:"implementation_version"`
	LanguageInfo          languageInfoContent `json:"language_info"`
	Banner                string              `json:"banner"`
	HelpLinks             []HelpLink          `json:"help_links"`
	Debugger              bool                `json:"debugger"`
}

type executeReplyOK struct {
	Status          string           `json:"status"`
	ExecutionCount  int              `json:"execution_count"`
	Payload         []map[string]any `json:"payload"`
	UserExpressions map[string]any   `json:"user_expressions"`
}

type completeReply struct {
	Status      string         `json:"status"`
	Matches     []string       `json:"matches"`
	CursorStart int            `json:"cursor_start"`
	CursorEnd   int            `json:"cursor_end"`
	Metadata    map[string]any `json:"metadata"`
}

type inspectReply struct {
	Status   string         `json:"status"`
	Found    bool           `json:"found"`
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata"`
}

type isCompleteReply struct {
	Status string `json:"status"`
	Indent string `json:"indent,omitempty"`
}

type historyReply struct {
	Status  string `json:"status"`
	History []any  `json:"history"`
}

type commInfoReply struct {
	Status string                    `json:"status"`
	Comms  map[string]commInfoTarget `json:"comms"`
}

type commInfoTarget struct {
	TargetName string `json:"target_name"`
}

type statusReply struct {
	Status string `json:"status"`
}

type shutdownReply struct {
	Status  string `json:"status"`
	Restart bool   `json:"restart"`
}

type statusContent struct {
	ExecutionState string `json:"execution_state"`
}

type executeInputContent struct {
	Code           string `json:"code"`
	ExecutionCount int    `json:"execution_count"`
}

type streamContent struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

type displayContent struct {
	Data      map[string]any `json:"data"`
	Metadata  map[string]any `json:"metadata"`
	Transient map[string]any `json:"transient"`
}

type executeResultContent struct {
	ExecutionCount int            `json:"execution_count"`
	Data           map[string]any `json:"data"`
	Metadata       map[string]any `json:"metadata"`
}

type clearOutputContent struct {
	Wait bool `json:"wait"`
}

type inputRequestContent struct {
	Prompt   string `json:"prompt"`
	Password bool   `json:"password"`
}
