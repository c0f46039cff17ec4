// Running a program as a user would, for the tests of bannerc and bannergen:
// argv passed as is (no shell, so any bytes in a path survive), stdout and
// stderr captured apart, the exit status as a shell reports it.
#pragma once

#include <string>
#include <vector>

namespace banner::test {

struct ProgramRun {
  int exit_code = -1;  // 128 + signal if killed by one (134: aborted), -1 if it could not start
  std::string out, err;
};

// Runs argv[0] (a path) with `argv` in the folder `cwd` ("": this process's)
// and waits for it. REQUIREs that the output files could be made.
ProgramRun RunProgram(const std::vector<std::string>& argv, const std::string& cwd = "");

}  // namespace banner::test
