// The higher layer, which may include the lower one: it links it.
#include "compiler/high/High.h"
#include "compiler/low/Low.h"

int high() { return low() + 1; }
