#!/bin/sh
# checker-valid.sh CHECK CHECKFLAGS... - prints 1 if the checker runs.
#
# Kernels from 6.16 ask scripts/checker-valid.sh whether sparse works
# before C=1/C=2 and otherwise switch the check off with a warning; some
# header packages (Debian's 7.2) lack the script, so sparse never runs.
# tests/matrix/kernel.sh puts this stand-in there: it runs the checker on
# an empty translation unit with the kernel's flags. Whether that sparse
# understands the kernel's headers is then shown by the check itself: any
# sparse error or warning fails the matrix's sparse step.
printf 'int tdxq_checker_valid;\n' | "$@" -x c - >/dev/null 2>&1 && echo 1
exit 0
