// Must compile (the control for the two probes beside it): the server reaches
// the index library's headers.
#include "handler.h"
#include "index_reader.h"
