// The lower layer's header.
#pragma once
int low();
