// The higher layer's header.
#pragma once
int high();
