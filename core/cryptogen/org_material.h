// Internal to core/cryptogen: computes one org's folder in memory, reusing
// the keys and certificates of an existing folder where they are still right.
#pragma once

#include <string>

#include "core/config/scenario.h"
#include "core/cryptogen/cryptogen.h"
#include "core/cryptogen/file_tree.h"
#include "core/util/status.h"

namespace loom::cryptogen {

struct OrgMaterial {
  FileTree tree;  // relative to the org folder
  int identities_written = 0;
  int identities_kept = 0;
};

// `existing_folder` is the org's current folder (it may not exist); it is
// only read, and not at all when options.force is set.
Result<OrgMaterial> BuildOrgMaterial(const config::Org& org, const std::string& existing_folder,
                                     const GenerateOptions& options);

}  // namespace loom::cryptogen
