// Must compile (the control for the two probes beside it): the server reaches
// the index library's headers.
#include "router.h"
#include "index_reader.h"
