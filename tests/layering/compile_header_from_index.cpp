// Must not compile: the index library depends on nothing of the compile side.
#include "csv_reader.h"
