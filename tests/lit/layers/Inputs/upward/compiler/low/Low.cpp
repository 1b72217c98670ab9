// The lower layer, which reaches up.
#include "compiler/low/Low.h"
#include "compiler/high/High.h"

int low() { return 1; }
