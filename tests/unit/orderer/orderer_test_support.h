// Helpers for the orderer tests: temporary folders, a throwaway signing
// identity, envelopes of a chosen size, and a block store holding a genesis
// block.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "common/common.pb.h"
#include "core/crypto/x509.h"
#include "core/ledger/block_store.h"
#include "core/protocol/block.h"
#include "core/protocol/envelope.h"
#include "core/protocol/serialized_identity.h"
#include "core/protocol/signer.h"

namespace loom::orderer::testing {

// A fresh folder under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("loom-orderer-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A signer whose identity is a certificate from a fresh CA, so signatures
// verify against the identity (protocol::VerifyChain checks them).
inline std::shared_ptr<protocol::KeySigner> MakeSigner(const std::string& mspid, const std::string& name) {
  crypto::CertificateTemplate ca_template;
  ca_template.subject.common_name = "ca." + mspid;
  ca_template.subject.organization = mspid;
  ca_template.use = crypto::CertificateUse::kCa;
  auto ca_key = crypto::PrivateKey::Generate();
  EXPECT_TRUE(ca_key.ok());
  auto ca = crypto::CertificateAuthority::CreateRoot(ca_template, *ca_key);
  EXPECT_TRUE(ca.ok()) << ca.status().ToString();
  crypto::CertificateTemplate leaf_template;
  leaf_template.subject.common_name = name;
  leaf_template.subject.organization = mspid;
  auto key = crypto::PrivateKey::Generate();
  EXPECT_TRUE(key.ok());
  auto certificate = ca->Issue(leaf_template, key->public_key());
  EXPECT_TRUE(certificate.ok()) << certificate.status().ToString();
  return std::make_shared<protocol::KeySigner>(*key,
                                               protocol::SerializeIdentity(mspid, certificate->ToPem()));
}

// A signed MESSAGE envelope of `channel` whose payload data is `data`.
inline std::string SignedEnvelope(const std::string& channel, const protocol::Signer& signer,
                                  std::string data) {
  auto envelope = protocol::CreateSignedEnvelope(common::MESSAGE, channel, signer, std::move(data));
  EXPECT_TRUE(envelope.ok()) << envelope.status().ToString();
  return envelope->SerializeAsString();
}

// An unsigned envelope whose Fabric size (payload + signature) is exactly
// `size` bytes, tagged with `id` at the start of its payload.
inline std::string SizedEnvelope(int id, size_t size) {
  std::string payload = "e" + std::to_string(id) + ":";
  EXPECT_LE(payload.size(), size);
  payload.resize(size, 'x');
  common::Envelope envelope;
  envelope.set_payload(payload);
  return envelope.SerializeAsString();
}

// The id SizedEnvelope put in `envelope`, or -1.
inline int EnvelopeId(const std::string& envelope) {
  common::Envelope parsed;
  if (!parsed.ParseFromString(envelope) || parsed.payload().empty() || parsed.payload()[0] != 'e') return -1;
  return std::stoi(parsed.payload().substr(1));
}

// A block store in `dir` holding `genesis` as block 0.
inline std::unique_ptr<ledger::BlockStore> StoreWithGenesis(const std::string& dir,
                                                            const common::Block& genesis) {
  auto store = ledger::BlockStore::Open(dir);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  if ((*store)->Height() == 0) {
    Status appended = (*store)->Append(genesis);
    EXPECT_TRUE(appended.ok()) << appended.ToString();
  }
  return std::move(store).value();
}

// A genesis block for `channel`: one signed envelope naming the channel.
inline common::Block MakeGenesis(const std::string& channel, const protocol::Signer& signer) {
  return protocol::NewBlock(0, "", {SignedEnvelope(channel, signer, "genesis of " + channel)});
}

}  // namespace loom::orderer::testing
