// Shared helpers for the protocol tests: Fabric's sample blocks, throwaway
// identities and temporary folders.
#pragma once

#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/crypto/x509.h"
#include "core/protocol/block_file.h"
#include "core/protocol/serialized_identity.h"
#include "core/protocol/signer.h"

namespace loom::protocol::testing {

inline std::string FabricBlocksDir() {
  return LOOM_FABRIC_BLOCKS_DIR;
}

// Skips the test when shared/testdata is not beside the repository.
#define LOOM_REQUIRE_FABRIC_BLOCKS()                                                                        \
  do {                                                                                                      \
    if (!std::filesystem::is_directory(::loom::protocol::testing::FabricBlocksDir())) {                     \
      GTEST_SKIP() << "Fabric sample blocks not found at " << ::loom::protocol::testing::FabricBlocksDir(); \
    }                                                                                                       \
  } while (0)

// Every .block file of `sample` (e.g. "sample_prod"), ordered by block number.
inline std::vector<common::Block> LoadSample(const std::string& sample) {
  std::vector<common::Block> blocks;
  for (const auto& entry : std::filesystem::directory_iterator(FabricBlocksDir() + "/" + sample)) {
    if (entry.path().extension() != ".block") continue;
    auto block = ReadBlockFile(entry.path().string());
    EXPECT_TRUE(block.ok()) << block.status().ToString();
    if (block.ok()) blocks.push_back(std::move(block).value());
  }
  std::sort(blocks.begin(), blocks.end(), [](const common::Block& a, const common::Block& b) {
    return a.header().number() < b.header().number();
  });
  return blocks;
}

struct TestIdentity {
  crypto::PrivateKey key;
  crypto::Certificate certificate;
  std::string serialized;  // msp.SerializedIdentity
  std::shared_ptr<KeySigner> signer;
};

// A key and a certificate issued by a fresh CA, wrapped as an identity of `mspid`.
inline TestIdentity MakeTestIdentity(const std::string& mspid, const std::string& common_name) {
  crypto::CertificateTemplate ca_template;
  ca_template.subject.common_name = "ca." + mspid;
  ca_template.subject.organization = mspid;
  ca_template.use = crypto::CertificateUse::kCa;
  auto ca_key = crypto::PrivateKey::Generate();
  EXPECT_TRUE(ca_key.ok());
  auto ca = crypto::CertificateAuthority::CreateRoot(ca_template, *ca_key);
  EXPECT_TRUE(ca.ok()) << ca.status().ToString();

  crypto::CertificateTemplate leaf_template;
  leaf_template.subject.common_name = common_name;
  leaf_template.subject.organizational_units = {"peer"};
  leaf_template.subject.organization = mspid;
  auto key = crypto::PrivateKey::Generate();
  EXPECT_TRUE(key.ok());
  auto certificate = ca->Issue(leaf_template, key->public_key());
  EXPECT_TRUE(certificate.ok()) << certificate.status().ToString();

  TestIdentity identity{*key, *certificate, SerializeIdentity(mspid, certificate->ToPem()), nullptr};
  identity.signer = std::make_shared<KeySigner>(identity.key, identity.serialized);
  return identity;
}

using ::loom::testing::TempDir;

}  // namespace loom::protocol::testing
