//go:build !purego

#include "textflag.h"

// func plainLong(b []byte, j int) int
//
// Sixteen bytes at a time with SSE2 (every amd64 has it): a byte needs
// no look when it is above 0x1f as a signed byte (0x20 to 0x7f: no
// control character, nothing from 0x80) and is neither '"' nor '\\'. The
// last bytes are read as the sixteen that end b, overlapping what was
// read already (the bytes before j shifted off), so that nothing is read
// outside b; a b shorter than sixteen bytes is read byte by byte. A j
// outside b reads nothing: below 0 it is returned, past len(b), len(b).
TEXT ·plainLong(SB), NOSPLIT, $0-40
	MOVQ	b_base+0(FP), SI
	MOVQ	b_len+8(FP), BX
	MOVQ	j+24(FP), AX
	CMPQ	BX, $16
	JLT	short
	LEAQ	-16(BX), R8 // the last start of a whole sixteen bytes
	MOVOU	quotes<>(SB), X1
	MOVOU	backslashes<>(SB), X2
	MOVOU	controls<>(SB), X5
	CMPQ	AX, R8
	JA	tail // unsigned: j < 0 too

loop:
	MOVOU	(SI)(AX*1), X0
	MOVO	X0, X3
	PCMPEQB	X1, X3 // '"'
	MOVO	X0, X4
	PCMPEQB	X2, X4 // '\\'
	PCMPGTB	X5, X0 // > 0x1f, signed: 0x20 to 0x7f
	POR	X3, X4
	PANDN	X0, X4 // the bytes that need no look
	PMOVMSKB	X4, DX
	XORL	$0xffff, DX // the bytes that do
	JNZ	found
	ADDQ	$16, AX
	CMPQ	AX, R8
	JLE	loop

tail:
	TESTQ	AX, AX
	JL	done
	CMPQ	AX, BX
	JGE	end
	MOVOU	(SI)(R8*1), X0
	MOVO	X0, X3
	PCMPEQB	X1, X3
	MOVO	X0, X4
	PCMPEQB	X2, X4
	PCMPGTB	X5, X0
	POR	X3, X4
	PANDN	X0, X4
	PMOVMSKB	X4, DX
	XORL	$0xffff, DX
	MOVQ	AX, CX
	SUBQ	R8, CX // the bytes before j, looked at already
	SHRL	CX, DX
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
	TESTQ	AX, AX
	JL	done

byte:
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
	JMP	byte

done:
	MOVQ	AX, ret+32(FP)
	RET

DATA quotes<>+0(SB)/8, $0x2222222222222222
DATA quotes<>+8(SB)/8, $0x2222222222222222
GLOBL quotes<>(SB), RODATA|NOPTR, $16

DATA backslashes<>+0(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA backslashes<>+8(SB)/8, $0x5c5c5c5c5c5c5c5c
GLOBL backslashes<>(SB), RODATA|NOPTR, $16

DATA controls<>+0(SB)/8, $0x1f1f1f1f1f1f1f1f
DATA controls<>+8(SB)/8, $0x1f1f1f1f1f1f1f1f
GLOBL controls<>(SB), RODATA|NOPTR, $16
