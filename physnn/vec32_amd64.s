// Hand-written AVX2 loops for the float32 elementwise kernels of vec32.go.
// Each handles the first len(dst) &^ 7 elements, eight at a time, with the
// same single float32 operation per element as the scalar code (no fused
// multiply-add), so results are bitwise the same; the Go wrappers do the
// rest.

//go:build amd64 && !purego

#include "textflag.h"

DATA vecone<>+0(SB)/4, $0x3f800000
GLOBL vecone<>(SB), RODATA|NOPTR, $4

// func addToAVX2(dst, x, y []float32)
//
// dst[i] = x[i] + y[i].
TEXT ·addToAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), DX
	SHRQ $3, CX
	XORQ AX, AX

addToAVX2loop:
	TESTQ   CX, CX
	JZ      addToAVX2done
	VMOVUPS (SI)(AX*4), Y0
	VADDPS  (DX)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	DECQ    CX
	JMP     addToAVX2loop

addToAVX2done:
	VZEROUPPER
	RET

// func mulToAVX2(dst, x, y []float32)
//
// dst[i] = x[i] * y[i].
TEXT ·mulToAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), DX
	SHRQ $3, CX
	XORQ AX, AX

mulToAVX2loop:
	TESTQ   CX, CX
	JZ      mulToAVX2done
	VMOVUPS (SI)(AX*4), Y0
	VMULPS  (DX)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	DECQ    CX
	JMP     mulToAVX2loop

mulToAVX2done:
	VZEROUPPER
	RET

// func addInPlaceAVX2(dst, x []float32)
//
// dst[i] += x[i].
TEXT ·addInPlaceAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	SHRQ $3, CX
	XORQ AX, AX

addinloop:
	TESTQ   CX, CX
	JZ      addindone
	VMOVUPS (DI)(AX*4), Y0
	VADDPS  (SI)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	DECQ    CX
	JMP     addinloop

addindone:
	VZEROUPPER
	RET

// func scaleToAVX2(dst, x []float32, a float32)
//
// dst[i] = a * x[i].
TEXT ·scaleToAVX2(SB), NOSPLIT, $0-52
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         x_base+24(FP), SI
	VBROADCASTSS a+48(FP), Y1
	SHRQ         $3, CX
	XORQ         AX, AX

scaleloop:
	TESTQ   CX, CX
	JZ      scaledone
	VMULPS  (SI)(AX*4), Y1, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	DECQ    CX
	JMP     scaleloop

scaledone:
	VZEROUPPER
	RET

// func mulSigmoidDerivAVX2(dst, g, y []float32)
//
// dst[i] = g[i] * (y[i] * (1 - y[i])): the gradient through a sigmoid
// from its output y.
TEXT ·mulSigmoidDerivAVX2(SB), NOSPLIT, $0-72
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         g_base+24(FP), SI
	MOVQ         y_base+48(FP), DX
	VBROADCASTSS vecone<>(SB), Y3
	SHRQ         $3, CX
	XORQ         AX, AX

sigdloop:
	TESTQ   CX, CX
	JZ      sigddone
	VMOVUPS (DX)(AX*4), Y1
	VSUBPS  Y1, Y3, Y2
	VMULPS  Y2, Y1, Y2
	VMULPS  (SI)(AX*4), Y2, Y2
	VMOVUPS Y2, (DI)(AX*4)
	ADDQ    $8, AX
	DECQ    CX
	JMP     sigdloop

sigddone:
	VZEROUPPER
	RET

// func axpyAVX2(dst, x []float32, a float32)
//
// dst[i] += a * x[i], as a product then a sum (no fused multiply-add).
TEXT ·axpyAVX2(SB), NOSPLIT, $0-52
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         x_base+24(FP), SI
	VBROADCASTSS a+48(FP), Y1
	SHRQ         $3, CX
	XORQ         AX, AX

axpyloop:
	TESTQ   CX, CX
	JZ      axpydone
	VMULPS  (SI)(AX*4), Y1, Y0
	VADDPS  (DI)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	DECQ    CX
	JMP     axpyloop

axpydone:
	VZEROUPPER
	RET

// func reluAVX2(dst, x []float32)
//
// dst[i] = x[i] where x[i] > 0, else x[i]·0 (0, -0, or NaN for NaN), as
// the scalar ReLU loop.
TEXT ·reluAVX2(SB), NOSPLIT, $0-48
	MOVQ   dst_base+0(FP), DI
	MOVQ   dst_len+8(FP), CX
	MOVQ   x_base+24(FP), SI
	VXORPS Y15, Y15, Y15
	SHRQ   $3, CX
	XORQ   AX, AX

reluAVX2loop:
	TESTQ     CX, CX
	JZ        reluAVX2done
	VMOVUPS   (SI)(AX*4), Y0
	VCMPPS    $0x1e, Y15, Y0, Y1
	VMULPS    Y15, Y0, Y2
	VBLENDVPS Y1, Y0, Y2, Y2
	VMOVUPS   Y2, (DI)(AX*4)
	ADDQ      $8, AX
	DECQ      CX
	JMP       reluAVX2loop

reluAVX2done:
	VZEROUPPER
	RET

// func mulStepAVX2(dst, g, x []float32)
//
// dst[i] = g[i]·(1 if x[i] > 0 else 0): the gradient g through a ReLU of
// input x.
TEXT ·mulStepAVX2(SB), NOSPLIT, $0-72
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         g_base+24(FP), DX
	MOVQ         x_base+48(FP), SI
	VXORPS       Y15, Y15, Y15
	VBROADCASTSS vecone<>(SB), Y14
	SHRQ         $3, CX
	XORQ         AX, AX

mulStepAVX2loop:
	TESTQ   CX, CX
	JZ      mulStepAVX2done
	VMOVUPS (SI)(AX*4), Y0
	VCMPPS  $0x1e, Y15, Y0, Y1
	VANDPS  Y14, Y1, Y1
	VMULPS  (DX)(AX*4), Y1, Y1
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ    $8, AX
	DECQ    CX
	JMP     mulStepAVX2loop

mulStepAVX2done:
	VZEROUPPER
	RET

// func maxPool2x2AVX2(y, idx, r0, r1 []float32)
//
// For the first len(y) &^ 7 outputs j: the maximum of the window r0[2j],
// r0[2j+1], r1[2j], r1[2j+1] into y[j] and its position (0 to 3, as a
// float32) into idx[j], with the scalar argmax2x2's rule: a later value
// wins if it is greater, or if it is NaN and the current one is not.
TEXT ·maxPool2x2AVX2(SB), NOSPLIT, $0-96
	MOVQ         y_base+0(FP), DI
	MOVQ         y_len+8(FP), CX
	MOVQ         idx_base+24(FP), R8
	MOVQ         r0_base+48(FP), SI
	MOVQ         r1_base+72(FP), DX
	VBROADCASTSS vecone<>(SB), Y13
	VADDPS       Y13, Y13, Y14 // 2
	VADDPS       Y13, Y14, Y15 // 3
	SHRQ         $3, CX
	XORQ         AX, AX

pool2loop:
	TESTQ   CX, CX
	JZ      pool2done
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VSHUFPS $0x88, Y1, Y0, Y2 // a
	VSHUFPS $0xdd, Y1, Y0, Y3 // b
	VMOVUPS (DX), Y0
	VMOVUPS 32(DX), Y1
	VSHUFPS $0x88, Y1, Y0, Y4 // c
	VSHUFPS $0xdd, Y1, Y0, Y5 // d
	VXORPS  Y6, Y6, Y6        // idx = 0

	// b: take it where b > best, or b is NaN and best is not.
	VCMPPS    $0x1e, Y2, Y3, Y7
	VCMPPS    $0x03, Y3, Y3, Y8
	VCMPPS    $0x07, Y2, Y2, Y9
	VANDPS    Y9, Y8, Y8
	VORPS     Y8, Y7, Y7
	VBLENDVPS Y7, Y3, Y2, Y2
	VBLENDVPS Y7, Y13, Y6, Y6

	// c
	VCMPPS    $0x1e, Y2, Y4, Y7
	VCMPPS    $0x03, Y4, Y4, Y8
	VCMPPS    $0x07, Y2, Y2, Y9
	VANDPS    Y9, Y8, Y8
	VORPS     Y8, Y7, Y7
	VBLENDVPS Y7, Y4, Y2, Y2
	VBLENDVPS Y7, Y14, Y6, Y6

	// d
	VCMPPS    $0x1e, Y2, Y5, Y7
	VCMPPS    $0x03, Y5, Y5, Y8
	VCMPPS    $0x07, Y2, Y2, Y9
	VANDPS    Y9, Y8, Y8
	VORPS     Y8, Y7, Y7
	VBLENDVPS Y7, Y5, Y2, Y2
	VBLENDVPS Y7, Y15, Y6, Y6

	// The shuffles left the outputs in qword order 0 2 1 3.
	VPERMPD $0xd8, Y2, Y2
	VPERMPD $0xd8, Y6, Y6
	VMOVUPS Y2, (DI)(AX*4)
	VMOVUPS Y6, (R8)(AX*4)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $8, AX
	DECQ    CX
	JMP     pool2loop

pool2done:
	VZEROUPPER
	RET

// func mulELUDerivYAVX2(dst, g, y []float32, alpha float32)
//
// dst[i] = g[i]·(1 if y[i] > 0 else y[i] + alpha): the gradient g through
// an ELU (alpha ≥ 0) whose output is y.
TEXT ·mulELUDerivYAVX2(SB), NOSPLIT, $0-76
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         g_base+24(FP), DX
	MOVQ         y_base+48(FP), SI
	VBROADCASTSS alpha+72(FP), Y14
	VXORPS       Y15, Y15, Y15
	VBROADCASTSS vecone<>(SB), Y13
	SHRQ         $3, CX
	XORQ         AX, AX

mulELUDerivYloop:
	TESTQ     CX, CX
	JZ        mulELUDerivYdone
	VMOVUPS   (SI)(AX*4), Y0
	VCMPPS    $0x1e, Y15, Y0, Y1
	VADDPS    Y14, Y0, Y2
	VBLENDVPS Y1, Y13, Y2, Y2
	VMULPS    (DX)(AX*4), Y2, Y2
	VMOVUPS   Y2, (DI)(AX*4)
	ADDQ      $8, AX
	DECQ      CX
	JMP       mulELUDerivYloop

mulELUDerivYdone:
	VZEROUPPER
	RET

// func eluBackRowsAVX2(gp, gb, g, y []float32, rows, stride int, alpha float32)
//
// For rows rows at a row stride of stride elements and the first
// len(gb) &^ 7 columns: gp = g·(1 if y > 0 else y + alpha), as
// mulELUDerivYAVX2, and gb[j] += gp[r, j] row after row: the gradient
// through an ELU and its column sums (a bias gradient) in one pass.
TEXT ·eluBackRowsAVX2(SB), NOSPLIT, $0-116
	MOVQ         gp_base+0(FP), DI
	MOVQ         gb_base+24(FP), R8
	MOVQ         gb_len+32(FP), R9
	MOVQ         g_base+48(FP), DX
	MOVQ         y_base+72(FP), SI
	MOVQ         rows+96(FP), R10
	MOVQ         stride+104(FP), R11
	VBROADCASTSS alpha+112(FP), Y14
	VXORPS       Y15, Y15, Y15
	VBROADCASTSS vecone<>(SB), Y13
	SHRQ         $3, R9
	SHLQ         $2, R11

eluBackRowsRow:
	TESTQ R10, R10
	JZ    eluBackRowsDone
	MOVQ  R9, CX
	XORQ  AX, AX

eluBackRowsCol:
	TESTQ     CX, CX
	JZ        eluBackRowsNext
	VMOVUPS   (SI)(AX*4), Y0
	VCMPPS    $0x1e, Y15, Y0, Y1
	VADDPS    Y14, Y0, Y2
	VBLENDVPS Y1, Y13, Y2, Y2
	VMULPS    (DX)(AX*4), Y2, Y2
	VMOVUPS   Y2, (DI)(AX*4)
	VADDPS    (R8)(AX*4), Y2, Y3
	VMOVUPS   Y3, (R8)(AX*4)
	ADDQ      $8, AX
	DECQ      CX
	JMP       eluBackRowsCol

eluBackRowsNext:
	ADDQ R11, DI
	ADDQ R11, DX
	ADDQ R11, SI
	DECQ R10
	JMP  eluBackRowsRow

eluBackRowsDone:
	VZEROUPPER
	RET
