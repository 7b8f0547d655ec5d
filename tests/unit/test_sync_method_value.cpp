// The --method / --methods value (cli/sync_method_value): the three method names, anything else named as bad.
#include <gtest/gtest.h>

#include <string>

#include "cli/option_values.hpp"
#include "cli/sync_method_value.hpp"
#include "sync/sync_method.hpp"

namespace berkeley::cli {
namespace {

TEST(SyncMethodValue, TheThreeMethods) {
  EXPECT_EQ(sync_method_value("method", "collective"), SyncMethod::collective);
  EXPECT_EQ(sync_method_value("method", "pingpong"), SyncMethod::pingpong);
  EXPECT_EQ(sync_method_value("method", "tree"), SyncMethod::tree);
}

TEST(SyncMethodValue, EveryMethodReadsBackFromItsName) {
  for (const SyncMethod method : {SyncMethod::collective, SyncMethod::pingpong, SyncMethod::tree}) {
    EXPECT_EQ(sync_method_value("methods", std::string(sync_method_name(method))), method);
  }
}

TEST(SyncMethodValue, AnythingElseNamesTheOptionAndTheText) {
  for (const char* text : {"ring", "Tree", "ping-pong", "", " tree", "unknown"}) {
    try {
      (void)sync_method_value("methods", text);
      ADD_FAILURE() << "accepted '" << text << "'";
    } catch (const BadValue& error) {
      EXPECT_EQ(error.message, "--methods: '" + std::string(text) + "' is not one of: collective, pingpong, tree");
    }
  }
}

}  // namespace
}  // namespace berkeley::cli
