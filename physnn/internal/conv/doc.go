// Package conv holds the raw convolution, pooling and batch-normalisation
// kernels behind physnn's Conv2D, ConvTranspose2D, LocallyConnected2D,
// MaxPool2D, AvgPool2D and BatchNorm ops.
//
// # Overview
//
// The kernels work on plain slices in NCHW layout (batch, channel, row,
// column; row-major) and are generic over float32 and float64, so physnn's
// float32 ops and the float64 gradient checks run the same code. They know
// nothing about tensors or autodiff: physnn validates shapes, allocates the
// outputs and wires the kernels into its tape.
//
// A convolution is described once by a [Geom] (built with [NewGeom] or
// [NewTransposeGeom], which validate the sizes and return errors that name the
// bad value). Convolutions run as im2col followed by GEMM (K. Chellapilla,
// S. Puri, P. Simard, "High performance convolutional neural networks for
// document processing", 2006): the input patch under every output pixel
// becomes one column of a [C·KH·KW, OH·OW] matrix, so the whole convolution
// is the product of the [K, C·KH·KW] filter matrix with it; the bias rides
// along as an extra filter column times a row of ones. Small images are
// batched: the patch matrices of a chunk of images sit side by side, so one
// GEMM serves the chunk (see minChunkCols in conv.go), but a chunk's patch
// matrix stays within 128 Ki values so it is still in L2 when the GEMM
// reads it (see maxChunkElems). The
// backward passes are the matching products: the data gradient is col2im of
// Wᵀ·dY and the filter gradient is dY·colᵀ summed over the batch. A
// transposed convolution is the adjoint of a convolution, so it reuses the
// same three kernels with the roles of input and output exchanged.
//
// # Buffers and ownership
//
// Kernels never modify their inputs and overwrite (never accumulate into)
// their outputs. Scratch memory (im2col columns, per-worker partial filter
// gradients) comes from a [Workspace], which grows to the largest size asked
// for and is reused, so steady-state calls allocate nothing for scratch.
// [Acquire] and [Release] keep workspaces in a pool shared by all callers.
//
// # Concurrency
//
// Batch items are independent, so a kernel splits the batch over up to
// GOMAXPROCS goroutines when the batch has at least two items and the work
// is large enough to pay for the goroutines; the GEMMs inside the workers
// then stay on their goroutine. Each worker has its own scratch
// space in the workspace; a Workspace must not be used by two calls at once.
//
// # Errors
//
// The convolution kernels poll [Workspace].Interrupt between GEMM chunks and
// return its error when it asks them to stop, so an interrupted notebook
// cell does not wait for a whole batch. The constructors of geometries
// return a *[GeomError]; the kernels themselves
// assume slices of the sizes the geometry implies and panic (as slice
// indexing does) when a caller breaks that invariant, which physnn never
// does after validation.
package conv
