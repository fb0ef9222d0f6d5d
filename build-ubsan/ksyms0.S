	.section .ksyms, "a"
	.align 4
	.global ksyms_count, ksyms_addrs, ksyms_offsets, ksyms_strtab
ksyms_count:	.long 0
ksyms_addrs:
ksyms_offsets:
ksyms_strtab:
	.section .note.GNU-stack, "", @progbits
