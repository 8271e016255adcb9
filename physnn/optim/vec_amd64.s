// Hand-written AVX2 loops for the optimizers' elementwise updates. Each
// handles the first len &^ 7 elements, eight at a time, with the scalar
// code's float32 operations in its order (no fused multiply-add; VSQRTPS is
// the correctly rounded square root, as float32(math.Sqrt(float64(x))) is),
// so results are bitwise the same; the Go code does the rest.

//go:build amd64 && !purego

#include "textflag.h"

// func adamAVX2(p, g, m, v []float32, k *adamConsts)
//
// For each i, with k = {coupled, b1, 1-b1, b2, 1-b2, c2, eps, stepSize}:
//	gi := g + coupled·p
//	m = b1·m + (1-b1)·gi
//	v = b2·v + ((1-b2)·gi)·gi
//	p -= (stepSize·m) / (sqrt(v)/c2 + eps)
TEXT ·adamAVX2(SB), NOSPLIT, $0-104
	MOVQ         p_base+0(FP), DI
	MOVQ         p_len+8(FP), CX
	MOVQ         g_base+24(FP), SI
	MOVQ         m_base+48(FP), DX
	MOVQ         v_base+72(FP), BX
	MOVQ         k+96(FP), R8
	VBROADCASTSS 0(R8), Y8
	VBROADCASTSS 4(R8), Y9
	VBROADCASTSS 8(R8), Y10
	VBROADCASTSS 12(R8), Y11
	VBROADCASTSS 16(R8), Y12
	VBROADCASTSS 20(R8), Y13
	VBROADCASTSS 24(R8), Y14
	VBROADCASTSS 28(R8), Y15
	SHRQ         $3, CX
	XORQ         AX, AX

adamloop:
	TESTQ   CX, CX
	JZ      adamdone
	VMOVUPS (DI)(AX*4), Y0
	VMULPS  Y0, Y8, Y1
	VMOVUPS (SI)(AX*4), Y2
	VADDPS  Y1, Y2, Y1
	VMULPS  (DX)(AX*4), Y9, Y2
	VMULPS  Y1, Y10, Y3
	VADDPS  Y3, Y2, Y2
	VMOVUPS Y2, (DX)(AX*4)
	VMULPS  (BX)(AX*4), Y11, Y5
	VMULPS  Y1, Y12, Y4
	VMULPS  Y1, Y4, Y4
	VADDPS  Y4, Y5, Y5
	VMOVUPS Y5, (BX)(AX*4)
	VSQRTPS Y5, Y6
	VDIVPS  Y13, Y6, Y6
	VADDPS  Y14, Y6, Y6
	VMULPS  Y2, Y15, Y7
	VDIVPS  Y6, Y7, Y7
	VSUBPS  Y7, Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	DECQ    CX
	JMP     adamloop

adamdone:
	VZEROUPPER
	RET

// func clipAVX2(g []float32, limit float32)
//
// g = max(-limit, min(limit, g)) in the operand order that keeps NaN: the
// scalar code's "limit if g > limit, -limit if g < -limit, else g".
TEXT ·clipAVX2(SB), NOSPLIT, $0-28
	MOVQ         g_base+0(FP), DI
	MOVQ         g_len+8(FP), CX
	VBROADCASTSS limit+24(FP), Y8
	VXORPS       Y9, Y9, Y9
	VSUBPS       Y8, Y9, Y9
	SHRQ         $3, CX
	XORQ         AX, AX

cliploop:
	TESTQ   CX, CX
	JZ      clipdone
	VMOVUPS (DI)(AX*4), Y0
	VMINPS  Y0, Y8, Y0
	VMAXPS  Y0, Y9, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	DECQ    CX
	JMP     cliploop

clipdone:
	VZEROUPPER
	RET
