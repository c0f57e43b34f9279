# Invalid mnemonic
ldxq %r0, %r1
exit
