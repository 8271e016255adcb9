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
