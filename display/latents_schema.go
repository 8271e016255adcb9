package display

// LatentsPayload is the JSON sent under [MIMELatents] (schema version 1): a
// table with one row per latent neuron of a model such as a VAE, and one
// column per named physical parameter the latents are compared with.
//
// Example (abridged):
//
//	{"version":1,"title":"pendulum β-VAE","parameters":["length","g"],
//	 "active_threshold":0.05,"max_std":0.5,"strong_r2":0.8,
//	 "latents":[{"index":0,"name":"z0","mean":0.01,"std":0.98,"kl":2.3,
//	             "activity":0.95,"active":true,"corr":[0.97,0.05],"r2":[0.94,0.0025]},
//	            {"index":1,"name":"z1","mean":0,"std":1,"kl":0.001,
//	             "activity":0.0004,"active":false,"corr":[null,0.01],"r2":[null,0.0001]}]}
type LatentsPayload struct {
	// Version is the schema version, 1 ([SchemaVersion]).
	Version int `json:"version"`
	// Title labels the table; may be empty. Plain text, never HTML.
	Title string `json:"title,omitempty"`
	// Parameters names the physical parameters, in the order of each row's
	// Corr and R2. May be empty.
	Parameters []string `json:"parameters"`
	// ActiveThreshold is the activity (Var(μ)) above which a latent counts as
	// active; MaxStd the mean posterior σ below which it must also lie (null
	// when the table has no σ, and then only the activity decides).
	ActiveThreshold Number `json:"active_threshold"`
	MaxStd          Number `json:"max_std"`
	// StrongR2 is the R² from which a latent–parameter pair is highlighted.
	StrongR2 Number `json:"strong_r2"`
	// Latents holds one row per latent neuron, in the model's order.
	Latents []LatentRow `json:"latents"`
}

// LatentRow is one latent neuron's statistics in a [LatentsPayload].
// Statistics that are undefined (a constant parameter has no correlation)
// are null.
type LatentRow struct {
	// Index is the latent's 0-based position in the model.
	Index int `json:"index"`
	// Name labels the latent, "z0", "z1", ... unless the caller named them.
	Name string `json:"name"`
	// Mean is the mean over the data of the encoder's posterior mean μ, Std
	// the mean posterior standard deviation σ (null without σ).
	Mean Number `json:"mean"`
	Std  Number `json:"std"`
	// KL is the mean KL divergence of the posterior N(μ, σ²) from the
	// N(0, 1) prior, in nats (with σ unknown, that of N(μ, 1)).
	KL Number `json:"kl"`
	// Activity is the variance over the data of the posterior mean μ
	// (Var(μ)); a latent that ignores its input has activity near 0.
	Activity Number `json:"activity"`
	// Active reports Activity > ActiveThreshold and, when σ is known,
	// Std < MaxStd (the SciNet criterion: Var(μ) > 0.05 and mean σ < 0.5).
	Active bool `json:"active"`
	// Corr is the Pearson correlation of μ with each parameter and R2 the
	// R² of a linear fit of the parameter on μ (Corr²), aligned with
	// LatentsPayload.Parameters.
	Corr []Number `json:"corr"`
	R2   []Number `json:"r2"`
}
