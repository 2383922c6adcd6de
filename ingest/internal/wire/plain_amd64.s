//go:build !purego

#include "textflag.h"

// func plainLong(b []byte, j int) int
//
// Sixteen bytes at a time with SSE2 (every amd64 has it): a byte is
// special when it equals '"' or '\\', or when 0x20 > it as a signed byte,
// which takes the control characters and every byte from 0x80 at once.
// The last bytes are read as the sixteen that end b (overlapping what was
// read already, the marks before j shifted off), so nothing is read past
// len(b) nor before b; a b shorter than sixteen bytes is read byte by byte.
TEXT ·plainLong(SB), NOSPLIT, $0-40
	MOVQ	b_base+0(FP), SI
	MOVQ	b_len+8(FP), BX
	MOVQ	j+24(FP), AX
	CMPQ	BX, $16
	JLT	short
	MOVOU	quotes<>(SB), X1
	MOVOU	backslashes<>(SB), X2
	MOVOU	spaces<>(SB), X5
	LEAQ	-16(BX), R8 // the last start of a whole sixteen bytes
	CMPQ	AX, R8
	JGT	tail

loop:
	MOVOU	(SI)(AX*1), X0
	MOVO	X0, X3
	PCMPEQB	X1, X3 // '"'
	MOVO	X0, X4
	PCMPEQB	X2, X4 // '\\'
	MOVO	X5, X6
	PCMPGTB	X0, X6 // 0x20 > byte, signed: < 0x20 or >= 0x80
	POR	X3, X4
	POR	X4, X6
	PMOVMSKB	X6, DX
	TESTL	DX, DX
	JNZ	found
	ADDQ	$16, AX
	CMPQ	AX, R8
	JLE	loop

tail:
	CMPQ	AX, BX
	JGE	end
	MOVOU	(SI)(R8*1), X0
	MOVO	X0, X3
	PCMPEQB	X1, X3
	MOVO	X0, X4
	PCMPEQB	X2, X4
	MOVO	X5, X6
	PCMPGTB	X0, X6
	POR	X3, X4
	POR	X4, X6
	PMOVMSKB	X6, DX
	MOVQ	AX, CX
	SUBQ	R8, CX // the bytes before j, checked already
	SHRL	CX, DX
	TESTL	DX, DX
	JZ	end

found:
	BSFL	DX, DX
	ADDQ	DX, AX
	MOVQ	AX, ret+32(FP)
	RET

end:
	MOVQ	BX, ret+32(FP)
	RET

short:
	CMPQ	AX, BX
	JGE	end
	MOVBLSX	(SI)(AX*1), DX
	CMPL	DX, $0x20
	JLT	done // a control character, or a byte from 0x80
	CMPL	DX, $0x22
	JEQ	done
	CMPL	DX, $0x5c
	JEQ	done
	INCQ	AX
	JMP	short

done:
	MOVQ	AX, ret+32(FP)
	RET

DATA quotes<>+0(SB)/8, $0x2222222222222222
DATA quotes<>+8(SB)/8, $0x2222222222222222
GLOBL quotes<>(SB), RODATA|NOPTR, $16

DATA backslashes<>+0(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA backslashes<>+8(SB)/8, $0x5c5c5c5c5c5c5c5c
GLOBL backslashes<>(SB), RODATA|NOPTR, $16

DATA spaces<>+0(SB)/8, $0x2020202020202020
DATA spaces<>+8(SB)/8, $0x2020202020202020
GLOBL spaces<>(SB), RODATA|NOPTR, $16
