// Must not compile: bannerd's code sees only banner_index's headers.
#include "compiler.h"
