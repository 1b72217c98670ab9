// The lower layer, which includes only itself.
#include "compiler/low/Low.h"

int low() { return 1; }
