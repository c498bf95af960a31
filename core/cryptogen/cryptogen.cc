#include "core/cryptogen/cryptogen.h"

#include <filesystem>

#include "core/config/scenario_validator.h"
#include "core/cryptogen/file_tree.h"
#include "core/cryptogen/layout.h"
#include "core/cryptogen/org_material.h"
#include "core/util/file_util.h"

namespace loom::cryptogen {

int GenerateSummary::identities_written() const {
  int total = 0;
  for (const auto& org : orgs) total += org.identities_written;
  return total;
}

int GenerateSummary::identities_kept() const {
  int total = 0;
  for (const auto& org : orgs) total += org.identities_kept;
  return total;
}

Result<GenerateSummary> GenerateCrypto(const config::Scenario& scenario, const std::string& out_dir,
                                       const GenerateOptions& options) {
  LOOM_RETURN_IF_ERROR(config::ValidateScenario(scenario));
  if (out_dir.empty()) return Status::InvalidArgument("crypto output folder is empty");
  std::error_code ec;
  if (std::filesystem::exists(out_dir, ec) && !std::filesystem::is_directory(out_dir, ec)) {
    return Status::InvalidArgument(out_dir + ": exists and is not a folder");
  }
  LOOM_RETURN_IF_ERROR(MakeDirectories(out_dir));
  GenerateSummary summary;
  for (const auto& org : scenario.orgs) {
    std::string folder = OrgFolder(out_dir, org);
    std::string context = "org '" + org.name + "' (" + folder + ")";
    auto material = BuildOrgMaterial(org, folder, options);
    if (!material.ok()) return material.status().WithContext(context);
    OrgSummary org_summary{
        org.name, org.mspid, org.domain, material->identities_written, material->identities_kept, false};
    auto differs = TreeDiffers(material->tree, folder);
    if (!differs.ok()) return differs.status().WithContext(context);
    if (*differs) {
      Status installed =
          InstallTree(material->tree, folder, options.force ? InstallMode::kReplace : InstallMode::kMerge);
      if (!installed.ok()) return installed.WithContext(context);
      org_summary.folder_changed = true;
    }
    summary.orgs.push_back(std::move(org_summary));
  }
  return summary;
}

}  // namespace loom::cryptogen
