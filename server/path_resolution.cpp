#include "path_resolution.h"

#include <sys/stat.h>
#include <unistd.h>

#include <string_view>
#include <vector>

namespace banner {

namespace {

// As the kernel's limit (MAXSYMLINKS): more is a loop.
constexpr int kMaxSymlinks = 40;

// Pushes the components of `path` so that the first one is popped first.
void PushComponents(std::string_view path, std::vector<std::string>* stack) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view part = path.substr(0, slash);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  stack->insert(stack->end(), parts.rbegin(), parts.rend());
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

}  // namespace

bool ResolvePath(const std::string& path,
                 const std::function<void(const std::string& dir, const std::string& name)>& before_lookup,
                 std::string* resolved) {
  if (path.empty() || path.front() != '/') return false;
  std::vector<std::string> stack;  // components still to resolve, next one last
  PushComponents(path, &stack);
  std::string current = "/";
  int symlinks = 0;
  while (!stack.empty()) {
    const std::string name = std::move(stack.back());
    stack.pop_back();
    if (name == "..") {
      // `current` has no symlinks, so its lexical parent is its real one.
      const size_t slash = current.rfind('/');
      current = slash == 0 ? "/" : current.substr(0, slash);
      continue;
    }
    before_lookup(current, name);
    const std::string entry = Join(current, name);
    struct stat st {};
    if (::lstat(entry.c_str(), &st) != 0) return false;
    if (S_ISLNK(st.st_mode)) {
      if (++symlinks > kMaxSymlinks) return false;
      std::string target(static_cast<size_t>(st.st_size > 0 ? st.st_size : 256) + 1, '\0');
      const ssize_t n = ::readlink(entry.c_str(), target.data(), target.size());
      if (n <= 0 || static_cast<size_t>(n) >= target.size()) return false;  // gone, or changed meanwhile
      target.resize(static_cast<size_t>(n));
      if (target.front() == '/') current.assign(1, '/');
      PushComponents(target, &stack);
      continue;
    }
    if (!stack.empty() && !S_ISDIR(st.st_mode)) return false;
    current = entry;
  }
  *resolved = current;
  return true;
}

}  // namespace banner
