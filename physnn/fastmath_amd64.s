// Code in this file is hand-written; the constants are float32 bit patterns
// of the values named in fastmath.go (exp32 and sigmoid32).

//go:build amd64 && !purego

#include "textflag.h"

DATA sigsignbit<>+0(SB)/4, $0x80000000
DATA sigsignbit<>+4(SB)/4, $0x80000000
DATA sigsignbit<>+8(SB)/4, $0x80000000
DATA sigsignbit<>+12(SB)/4, $0x80000000
DATA sigsignbit<>+16(SB)/4, $0x80000000
DATA sigsignbit<>+20(SB)/4, $0x80000000
DATA sigsignbit<>+24(SB)/4, $0x80000000
DATA sigsignbit<>+28(SB)/4, $0x80000000
GLOBL sigsignbit<>(SB), RODATA|NOPTR, $32

DATA siglimit<>+0(SB)/4, $0xc2ae0000
DATA siglimit<>+4(SB)/4, $0xc2ae0000
DATA siglimit<>+8(SB)/4, $0xc2ae0000
DATA siglimit<>+12(SB)/4, $0xc2ae0000
DATA siglimit<>+16(SB)/4, $0xc2ae0000
DATA siglimit<>+20(SB)/4, $0xc2ae0000
DATA siglimit<>+24(SB)/4, $0xc2ae0000
DATA siglimit<>+28(SB)/4, $0xc2ae0000
GLOBL siglimit<>(SB), RODATA|NOPTR, $32

DATA siglog2e<>+0(SB)/4, $0x3fb8aa3b
DATA siglog2e<>+4(SB)/4, $0x3fb8aa3b
DATA siglog2e<>+8(SB)/4, $0x3fb8aa3b
DATA siglog2e<>+12(SB)/4, $0x3fb8aa3b
DATA siglog2e<>+16(SB)/4, $0x3fb8aa3b
DATA siglog2e<>+20(SB)/4, $0x3fb8aa3b
DATA siglog2e<>+24(SB)/4, $0x3fb8aa3b
DATA siglog2e<>+28(SB)/4, $0x3fb8aa3b
GLOBL siglog2e<>(SB), RODATA|NOPTR, $32

DATA siground<>+0(SB)/4, $0x4b400000
DATA siground<>+4(SB)/4, $0x4b400000
DATA siground<>+8(SB)/4, $0x4b400000
DATA siground<>+12(SB)/4, $0x4b400000
DATA siground<>+16(SB)/4, $0x4b400000
DATA siground<>+20(SB)/4, $0x4b400000
DATA siground<>+24(SB)/4, $0x4b400000
DATA siground<>+28(SB)/4, $0x4b400000
GLOBL siground<>(SB), RODATA|NOPTR, $32

DATA sigln2hi<>+0(SB)/4, $0x3f318000
DATA sigln2hi<>+4(SB)/4, $0x3f318000
DATA sigln2hi<>+8(SB)/4, $0x3f318000
DATA sigln2hi<>+12(SB)/4, $0x3f318000
DATA sigln2hi<>+16(SB)/4, $0x3f318000
DATA sigln2hi<>+20(SB)/4, $0x3f318000
DATA sigln2hi<>+24(SB)/4, $0x3f318000
DATA sigln2hi<>+28(SB)/4, $0x3f318000
GLOBL sigln2hi<>(SB), RODATA|NOPTR, $32

DATA sigln2lo<>+0(SB)/4, $0xb95e8083
DATA sigln2lo<>+4(SB)/4, $0xb95e8083
DATA sigln2lo<>+8(SB)/4, $0xb95e8083
DATA sigln2lo<>+12(SB)/4, $0xb95e8083
DATA sigln2lo<>+16(SB)/4, $0xb95e8083
DATA sigln2lo<>+20(SB)/4, $0xb95e8083
DATA sigln2lo<>+24(SB)/4, $0xb95e8083
DATA sigln2lo<>+28(SB)/4, $0xb95e8083
GLOBL sigln2lo<>(SB), RODATA|NOPTR, $32

DATA sigp0<>+0(SB)/4, $0x39506967
DATA sigp0<>+4(SB)/4, $0x39506967
DATA sigp0<>+8(SB)/4, $0x39506967
DATA sigp0<>+12(SB)/4, $0x39506967
DATA sigp0<>+16(SB)/4, $0x39506967
DATA sigp0<>+20(SB)/4, $0x39506967
DATA sigp0<>+24(SB)/4, $0x39506967
DATA sigp0<>+28(SB)/4, $0x39506967
GLOBL sigp0<>(SB), RODATA|NOPTR, $32

DATA sigp1<>+0(SB)/4, $0x3ab743ce
DATA sigp1<>+4(SB)/4, $0x3ab743ce
DATA sigp1<>+8(SB)/4, $0x3ab743ce
DATA sigp1<>+12(SB)/4, $0x3ab743ce
DATA sigp1<>+16(SB)/4, $0x3ab743ce
DATA sigp1<>+20(SB)/4, $0x3ab743ce
DATA sigp1<>+24(SB)/4, $0x3ab743ce
DATA sigp1<>+28(SB)/4, $0x3ab743ce
GLOBL sigp1<>(SB), RODATA|NOPTR, $32

DATA sigp2<>+0(SB)/4, $0x3c088908
DATA sigp2<>+4(SB)/4, $0x3c088908
DATA sigp2<>+8(SB)/4, $0x3c088908
DATA sigp2<>+12(SB)/4, $0x3c088908
DATA sigp2<>+16(SB)/4, $0x3c088908
DATA sigp2<>+20(SB)/4, $0x3c088908
DATA sigp2<>+24(SB)/4, $0x3c088908
DATA sigp2<>+28(SB)/4, $0x3c088908
GLOBL sigp2<>(SB), RODATA|NOPTR, $32

DATA sigp3<>+0(SB)/4, $0x3d2aa9c1
DATA sigp3<>+4(SB)/4, $0x3d2aa9c1
DATA sigp3<>+8(SB)/4, $0x3d2aa9c1
DATA sigp3<>+12(SB)/4, $0x3d2aa9c1
DATA sigp3<>+16(SB)/4, $0x3d2aa9c1
DATA sigp3<>+20(SB)/4, $0x3d2aa9c1
DATA sigp3<>+24(SB)/4, $0x3d2aa9c1
DATA sigp3<>+28(SB)/4, $0x3d2aa9c1
GLOBL sigp3<>(SB), RODATA|NOPTR, $32

DATA sigp4<>+0(SB)/4, $0x3e2aaaaa
DATA sigp4<>+4(SB)/4, $0x3e2aaaaa
DATA sigp4<>+8(SB)/4, $0x3e2aaaaa
DATA sigp4<>+12(SB)/4, $0x3e2aaaaa
DATA sigp4<>+16(SB)/4, $0x3e2aaaaa
DATA sigp4<>+20(SB)/4, $0x3e2aaaaa
DATA sigp4<>+24(SB)/4, $0x3e2aaaaa
DATA sigp4<>+28(SB)/4, $0x3e2aaaaa
GLOBL sigp4<>(SB), RODATA|NOPTR, $32

DATA sigp5<>+0(SB)/4, $0x3f000000
DATA sigp5<>+4(SB)/4, $0x3f000000
DATA sigp5<>+8(SB)/4, $0x3f000000
DATA sigp5<>+12(SB)/4, $0x3f000000
DATA sigp5<>+16(SB)/4, $0x3f000000
DATA sigp5<>+20(SB)/4, $0x3f000000
DATA sigp5<>+24(SB)/4, $0x3f000000
DATA sigp5<>+28(SB)/4, $0x3f000000
GLOBL sigp5<>(SB), RODATA|NOPTR, $32

DATA sigone<>+0(SB)/4, $0x3f800000
DATA sigone<>+4(SB)/4, $0x3f800000
DATA sigone<>+8(SB)/4, $0x3f800000
DATA sigone<>+12(SB)/4, $0x3f800000
DATA sigone<>+16(SB)/4, $0x3f800000
DATA sigone<>+20(SB)/4, $0x3f800000
DATA sigone<>+24(SB)/4, $0x3f800000
DATA sigone<>+28(SB)/4, $0x3f800000
GLOBL sigone<>(SB), RODATA|NOPTR, $32

DATA sigbias<>+0(SB)/4, $0x0000007f
DATA sigbias<>+4(SB)/4, $0x0000007f
DATA sigbias<>+8(SB)/4, $0x0000007f
DATA sigbias<>+12(SB)/4, $0x0000007f
DATA sigbias<>+16(SB)/4, $0x0000007f
DATA sigbias<>+20(SB)/4, $0x0000007f
DATA sigbias<>+24(SB)/4, $0x0000007f
DATA sigbias<>+28(SB)/4, $0x0000007f
GLOBL sigbias<>(SB), RODATA|NOPTR, $32

DATA sigone64<>+0(SB)/8, $0x3ff0000000000000
DATA sigone64<>+8(SB)/8, $0x3ff0000000000000
DATA sigone64<>+16(SB)/8, $0x3ff0000000000000
DATA sigone64<>+24(SB)/8, $0x3ff0000000000000
GLOBL sigone64<>(SB), RODATA|NOPTR, $32

// func sigmoidAVX2(dst, x []float32) int
//
// Computes dst[i] = sigmoid32(x[i]) eight at a time with the same float32
// operations, in the same order, as the scalar code (no fused multiply-add),
// from the start of x until fewer than eight values remain or a block holds
// a value with |x| >= 87 or a NaN, which the scalar code handles. It returns
// how many values it wrote (a multiple of 8).
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	SHRQ $3, CX
	XORQ AX, AX

loop:
	TESTQ CX, CX
	JZ    done
	VMOVUPS (SI)(AX*4), Y0

	// a = -|x|; stop at a block with a <= -87 or NaN.
	VORPS     sigsignbit<>(SB), Y0, Y1
	VCMPPS    $0x1e, siglimit<>(SB), Y1, Y2
	VMOVMSKPS Y2, DX
	CMPL      DX, $0xff
	JNE       done

	// exp32(a): n = round(a·log2e), r = a - n·ln2Hi - n·ln2Lo.
	VMULPS siglog2e<>(SB), Y1, Y2
	VADDPS siground<>(SB), Y2, Y2
	VSUBPS siground<>(SB), Y2, Y2
	VMULPS sigln2hi<>(SB), Y2, Y3
	VSUBPS Y3, Y1, Y3
	VMULPS sigln2lo<>(SB), Y2, Y4
	VSUBPS Y4, Y3, Y3

	// The polynomial, then y = p·r·r + r + 1.
	VMOVUPS sigp0<>(SB), Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp1<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp2<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp3<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp4<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp5<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  Y3, Y4, Y4
	VADDPS  sigone<>(SB), Y4, Y4

	// e = y·2^n through the exponent bits.
	VCVTTPS2DQ Y2, Y5
	VPADDD     sigbias<>(SB), Y5, Y5
	VPSLLD     $23, Y5, Y5
	VMULPS     Y5, Y4, Y4

	// Numerator: e where x < 0 (sign bit set), else 1.
	VMOVUPS   sigone<>(SB), Y6
	VBLENDVPS Y0, Y4, Y6, Y6

	// num / (1 + e) in float64, four at a time, rounded back to float32.
	VCVTPS2PD    X4, Y7
	VEXTRACTF128 $1, Y4, X8
	VCVTPS2PD    X8, Y8
	VCVTPS2PD    X6, Y9
	VEXTRACTF128 $1, Y6, X10
	VCVTPS2PD    X10, Y10
	VADDPD       sigone64<>(SB), Y7, Y7
	VADDPD       sigone64<>(SB), Y8, Y8
	VDIVPD       Y7, Y9, Y9
	VDIVPD       Y8, Y10, Y10
	VCVTPD2PSY   Y9, X9
	VCVTPD2PSY   Y10, X10
	VINSERTF128  $1, X10, Y9, Y9
	VMOVUPS      Y9, (DI)(AX*4)

	ADDQ $8, AX
	DECQ CX
	JMP  loop

done:
	VZEROUPPER
	MOVQ AX, ret+48(FP)
	RET

// func eluAVX2(dst, x []float32, alpha float32) int
//
// Computes dst[i] = elu32(x[i], alpha) eight at a time with the scalar
// code's float32 operations in its order (no fused multiply-add): x where
// x > 0, else alpha·(em·s + (s − 1)) from expParts(x). Lanes with x > 0
// are reduced from +0 and then replaced by x. It stops before fewer than
// eight values remain or at a block holding a value x ≤ -87 or a NaN, and
// returns how many values it wrote (a multiple of 8).
TEXT ·eluAVX2(SB), NOSPLIT, $0-64
	MOVQ         dst_base+0(FP), DI
	MOVQ         x_base+24(FP), SI
	MOVQ         x_len+32(FP), CX
	VBROADCASTSS alpha+48(FP), Y14
	VXORPS       Y15, Y15, Y15
	SHRQ         $3, CX
	XORQ         AX, AX

eluloop:
	TESTQ     CX, CX
	JZ        eludone
	VMOVUPS   (SI)(AX*4), Y0
	VCMPPS    $0x1e, siglimit<>(SB), Y0, Y2
	VMOVMSKPS Y2, DX
	CMPL      DX, $0xff
	JNE       eludone

	// a = x where x <= 0, else +0 (Y7 is the x <= 0 mask).
	VCMPPS $0x02, Y15, Y0, Y7
	VANDPS Y7, Y0, Y1

	// expParts(a): n, r, the polynomial, em = p·r·r + r, s = 2^n.
	VMULPS  siglog2e<>(SB), Y1, Y2
	VADDPS  siground<>(SB), Y2, Y2
	VSUBPS  siground<>(SB), Y2, Y2
	VMULPS  sigln2hi<>(SB), Y2, Y3
	VSUBPS  Y3, Y1, Y3
	VMULPS  sigln2lo<>(SB), Y2, Y4
	VSUBPS  Y4, Y3, Y3
	VMOVUPS sigp0<>(SB), Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp1<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp2<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp3<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp4<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp5<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  Y3, Y4, Y4
	VCVTTPS2DQ Y2, Y5
	VPADDD     sigbias<>(SB), Y5, Y5
	VPSLLD     $23, Y5, Y5

	// alpha·(em·s + (s − 1)) where x <= 0, else x.
	VMULPS    Y5, Y4, Y4
	VSUBPS    sigone<>(SB), Y5, Y6
	VADDPS    Y6, Y4, Y4
	VMULPS    Y14, Y4, Y4
	VBLENDVPS Y7, Y4, Y0, Y0
	VMOVUPS   Y0, (DI)(AX*4)

	ADDQ $8, AX
	DECQ CX
	JMP  eluloop

eludone:
	VZEROUPPER
	MOVQ AX, ret+56(FP)
	RET

// func mulELUDerivAVX2(dst, g, x []float32, alpha float32) int
//
// Computes dst[i] = g[i]·eluDeriv32(x[i], alpha) as eluAVX2 does: g where
// x > 0, else g·(alpha·((em + 1)·s)), exp32's operations. Same stopping
// rule and result as eluAVX2.
TEXT ·mulELUDerivAVX2(SB), NOSPLIT, $0-88
	MOVQ         dst_base+0(FP), DI
	MOVQ         g_base+24(FP), BX
	MOVQ         x_base+48(FP), SI
	MOVQ         x_len+56(FP), CX
	VBROADCASTSS alpha+72(FP), Y14
	VXORPS       Y15, Y15, Y15
	SHRQ         $3, CX
	XORQ         AX, AX

deluloop:
	TESTQ     CX, CX
	JZ        deludone
	VMOVUPS   (SI)(AX*4), Y0
	VCMPPS    $0x1e, siglimit<>(SB), Y0, Y2
	VMOVMSKPS Y2, DX
	CMPL      DX, $0xff
	JNE       deludone

	VCMPPS $0x02, Y15, Y0, Y7
	VANDPS Y7, Y0, Y1

	VMULPS  siglog2e<>(SB), Y1, Y2
	VADDPS  siground<>(SB), Y2, Y2
	VSUBPS  siground<>(SB), Y2, Y2
	VMULPS  sigln2hi<>(SB), Y2, Y3
	VSUBPS  Y3, Y1, Y3
	VMULPS  sigln2lo<>(SB), Y2, Y4
	VSUBPS  Y4, Y3, Y3
	VMOVUPS sigp0<>(SB), Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp1<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp2<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp3<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp4<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  sigp5<>(SB), Y4, Y4
	VMULPS  Y3, Y4, Y4
	VMULPS  Y3, Y4, Y4
	VADDPS  Y3, Y4, Y4
	VCVTTPS2DQ Y2, Y5
	VPADDD     sigbias<>(SB), Y5, Y5
	VPSLLD     $23, Y5, Y5

	// d = alpha·((em + 1)·s) where x <= 0, else 1; dst = g·d.
	VADDPS    sigone<>(SB), Y4, Y4
	VMULPS    Y5, Y4, Y4
	VMULPS    Y14, Y4, Y4
	VMOVUPS   sigone<>(SB), Y6
	VBLENDVPS Y7, Y4, Y6, Y6
	VMULPS    (BX)(AX*4), Y6, Y6
	VMOVUPS   Y6, (DI)(AX*4)

	ADDQ $8, AX
	DECQ CX
	JMP  deluloop

deludone:
	VZEROUPPER
	MOVQ AX, ret+80(FP)
	RET

// func eluAVX512(dst, x []float32, alpha float32) int
//
// eluAVX2 sixteen values at a time: the same operations in the same order,
// with the constants broadcast into registers once. It stops before fewer
// than sixteen values remain or at a block holding a value x ≤ -87 or a
// NaN, and returns how many values it wrote (a multiple of 16).
TEXT ·eluAVX512(SB), NOSPLIT, $0-64
	MOVQ         dst_base+0(FP), DI
	MOVQ         x_base+24(FP), SI
	MOVQ         x_len+32(FP), CX
	VBROADCASTSS alpha+48(FP), Z14
	VPXORD       Z15, Z15, Z15
	VBROADCASTSS siglimit<>(SB), Z16
	VBROADCASTSS siglog2e<>(SB), Z17
	VBROADCASTSS siground<>(SB), Z18
	VBROADCASTSS sigln2hi<>(SB), Z19
	VBROADCASTSS sigln2lo<>(SB), Z20
	VBROADCASTSS sigp0<>(SB), Z21
	VBROADCASTSS sigp1<>(SB), Z22
	VBROADCASTSS sigp2<>(SB), Z23
	VBROADCASTSS sigp3<>(SB), Z24
	VBROADCASTSS sigp4<>(SB), Z25
	VBROADCASTSS sigp5<>(SB), Z26
	VBROADCASTSS sigone<>(SB), Z27
	VPBROADCASTD sigbias<>(SB), Z28
	SHRQ         $4, CX
	XORQ         AX, AX

elu512loop:
	TESTQ   CX, CX
	JZ      elu512done
	VMOVUPS (SI)(AX*4), Z0
	VCMPPS  $0x1e, Z16, Z0, K1
	KMOVW   K1, DX
	CMPL    DX, $0xffff
	JNE     elu512done

	// a = x where x <= 0, else +0 (K2 is the x <= 0 mask).
	VCMPPS    $0x02, Z15, Z0, K2
	VMOVAPS.Z Z0, K2, Z1

	// expParts(a): n, r, the polynomial, em = p·r·r + r, s = 2^n.
	VMULPS     Z17, Z1, Z2
	VADDPS     Z18, Z2, Z2
	VSUBPS     Z18, Z2, Z2
	VMULPS     Z19, Z2, Z3
	VSUBPS     Z3, Z1, Z3
	VMULPS     Z20, Z2, Z4
	VSUBPS     Z4, Z3, Z3
	VMULPS     Z3, Z21, Z4
	VADDPS     Z22, Z4, Z4
	VMULPS     Z3, Z4, Z4
	VADDPS     Z23, Z4, Z4
	VMULPS     Z3, Z4, Z4
	VADDPS     Z24, Z4, Z4
	VMULPS     Z3, Z4, Z4
	VADDPS     Z25, Z4, Z4
	VMULPS     Z3, Z4, Z4
	VADDPS     Z26, Z4, Z4
	VMULPS     Z3, Z4, Z4
	VMULPS     Z3, Z4, Z4
	VADDPS     Z3, Z4, Z4
	VCVTTPS2DQ Z2, Z5
	VPADDD     Z28, Z5, Z5
	VPSLLD     $23, Z5, Z5

	// alpha·(em·s + (s − 1)) where x <= 0, else x.
	VMULPS  Z5, Z4, Z4
	VSUBPS  Z27, Z5, Z6
	VADDPS  Z6, Z4, Z4
	VMULPS  Z14, Z4, Z4
	VMOVAPS Z4, K2, Z0
	VMOVUPS Z0, (DI)(AX*4)

	ADDQ $16, AX
	DECQ CX
	JMP  elu512loop

elu512done:
	VZEROUPPER
	MOVQ AX, ret+56(FP)
	RET
