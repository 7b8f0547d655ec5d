#pragma once
// What every fuzz target uses to state a property: a broken one prints what broke and aborts, which libFuzzer
// reports as a crash and saves the input that did it.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace berkeley::fuzz {

[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz property broken: %.*s%s%.*s\n", static_cast<int>(what.size()), what.data(),
               detail.empty() ? "" : ": ", static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline void check(bool holds, std::string_view what, std::string_view detail = {}) {
  if (!holds) fail(what, detail);
}

}  // namespace berkeley::fuzz
