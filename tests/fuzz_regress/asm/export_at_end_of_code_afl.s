	.tb.0:
	r3 = r1
	r1 = 1000# RFCext
	.file	"lr.cbl	selftest   "
	.globl	selftest                # -- Beêin functiont
	.p2align	3
	.type	selftest,@function
selftest:          
# %bb.0: 96©ã 