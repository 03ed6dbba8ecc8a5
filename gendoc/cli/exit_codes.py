"""gendoc's exit codes, in one place for every command.

0: no errors (warnings are printed but do not fail); 1: findings (or output that could not
be written); 2: a usage error (unknown option, missing file, no such kind). An interrupted
run (Ctrl-C) exits 130, as shells expect.
"""
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
