// The block half of genesis.h: common.Config -> block 0.
#include "core/channelconfig/channel_config.h"
#include "core/channelconfig/genesis.h"
#include "core/protocol/block.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/envelope.h"
#include "core/protocol/txid.h"

namespace loom::channelconfig {
namespace {

// Fabric's genesis factory writes version 1 into the CONFIG channel header.
constexpr int32_t kGenesisHeaderVersion = 1;

}  // namespace

Result<common::Block> BuildGenesisBlockFromConfig(const common::Config& config, std::string_view channel_id,
                                                  const GenesisOptions& options) {
  if (channel_id.empty()) return Status::InvalidArgument("genesis block: empty channel id");
  if (config.sequence() != 0) {
    return Status::InvalidArgument("genesis block: config sequence must be 0, got " +
                                   std::to_string(config.sequence()));
  }

  // Unsigned, creator-less envelope, as configtxgen writes genesis blocks.
  const std::string nonce = protocol::NewNonce();
  const std::string tx_id = protocol::ComputeTxId(nonce, /*creator=*/"");
  // Whole seconds, as Fabric's MakeChannelHeader writes them.
  const auto timestamp =
      std::chrono::floor<std::chrono::seconds>(options.timestamp.value_or(std::chrono::system_clock::now()));
  common::ChannelHeader channel_header =
      protocol::MakeChannelHeader(common::CONFIG, channel_id, tx_id, timestamp);
  channel_header.set_version(kGenesisHeaderVersion);
  common::SignatureHeader signature_header = protocol::MakeSignatureHeader(/*creator=*/"", nonce);

  common::ConfigEnvelope config_envelope;
  *config_envelope.mutable_config() = config;
  common::Payload payload =
      protocol::MakePayload(channel_header, signature_header, config_envelope.SerializeAsString());
  common::Envelope envelope;
  envelope.set_payload(payload.SerializeAsString());

  common::Block block = protocol::NewBlock(0, /*previous_hash=*/"", {envelope.SerializeAsString()});

  common::LastConfig last_config;
  last_config.set_index(0);
  common::Metadata last_config_metadata;
  last_config_metadata.set_value(last_config.SerializeAsString());
  block.mutable_metadata()->set_metadata(kLastConfigMetadataIndex, last_config_metadata.SerializeAsString());

  if (options.block_signer != nullptr) {
    Status signed_status = protocol::SignBlock(&block, *options.block_signer, /*last_config_index=*/0);
    if (!signed_status.ok()) return signed_status.WithContext("genesis block: signing");
  } else {
    common::OrdererBlockMetadata orderer_metadata;
    orderer_metadata.mutable_last_config()->set_index(0);
    common::Metadata signatures_metadata;
    signatures_metadata.set_value(orderer_metadata.SerializeAsString());
    block.mutable_metadata()->set_metadata(common::SIGNATURES, signatures_metadata.SerializeAsString());
  }
  return block;
}

Result<common::Block> BuildGenesisBlock(const config::Scenario& scenario, std::string_view channel,
                                        const std::string& crypto_dir, const GenesisOptions& options) {
  LOOM_ASSIGN_OR_RETURN(common::Config config, BuildGenesisConfig(scenario, channel, crypto_dir, options));
  return BuildGenesisBlockFromConfig(config, channel, options);
}

}  // namespace loom::channelconfig
