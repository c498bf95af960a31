#include "core/channelconfig/describe.h"

#include <sstream>

#include "core/crypto/x509.h"

namespace loom::channelconfig {
namespace {

std::string Join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string OrNone(const std::string& text) {
  return text.empty() ? "(none)" : text;
}

// "CN=ca.org1.example.com,O=org1.example.com,..." for a PEM certificate, or a
// note when the bytes are not one (describing must never fail).
std::string CertificateSubject(const std::string& pem) {
  auto cert = crypto::Certificate::FromPem(pem);
  if (!cert.ok()) return "(not a PEM certificate: " + std::to_string(pem.size()) + " bytes)";
  return cert->SubjectString();
}

void DescribeOrg(std::ostringstream& out, const OrgConfig& org) {
  out << "    " << org.name << ": MSP " << org.msp_id;
  if (org.msp_type != 0) out << " (MSP type " << org.msp_type << ")";
  out << "\n";
  if (org.msp_type == 0) {
    const auto& msp = org.fabric_msp;
    for (const auto& root : msp.root_certs()) out << "      root CA:    " << CertificateSubject(root) << "\n";
    for (const auto& cert : msp.intermediate_certs()) {
      out << "      intermediate CA: " << CertificateSubject(cert) << "\n";
    }
    for (const auto& root : msp.tls_root_certs()) {
      out << "      TLS root CA: " << CertificateSubject(root) << "\n";
    }
    for (const auto& admin : msp.admins()) out << "      admin cert: " << CertificateSubject(admin) << "\n";
    out << "      NodeOUs:    " << (msp.fabric_node_ous().enable() ? "enabled" : "disabled") << "\n";
  }
  if (!org.endpoints.empty()) out << "      endpoints:  " << Join(org.endpoints) << "\n";
  for (const auto& anchor : org.anchor_peers)
    out << "      anchor peer: " << anchor.host << ":" << anchor.port << "\n";
}

}  // namespace

std::string DescribeChannelConfig(const ChannelConfig& config) {
  std::ostringstream out;
  out << "channel " << config.channel_id << "\n";
  out << "  config sequence:    " << config.sequence << "\n";
  out << "  last config block:  " << config.last_config_index << "\n";
  out << "  hashing algorithm:  " << OrNone(config.hashing_algorithm) << "\n";
  out << "  block data hashing width: " << config.block_data_hashing_width << "\n";
  out << "  capabilities:       " << OrNone(Join(config.capabilities.names)) << "\n";
  if (!config.consortium.empty()) out << "  consortium:         " << config.consortium << "\n";
  if (!config.orderer_addresses.empty())
    out << "  orderer addresses:  " << Join(config.orderer_addresses) << "\n";

  if (config.orderer) {
    const OrdererConfig& orderer = *config.orderer;
    out << "orderer\n";
    out << "  consensus type:     " << OrNone(orderer.consensus_type)
        << (orderer.maintenance_mode ? " (maintenance mode)" : "") << "\n";
    for (const auto& consenter : orderer.raft_consenters) {
      out << "  raft consenter:     " << consenter.host << ":" << consenter.port
          << "  server TLS: " << CertificateSubject(consenter.server_tls_cert) << "\n";
    }
    if (orderer.raft_options) {
      const auto& options = *orderer.raft_options;
      out << "  raft options:       tick " << options.tick_interval << ", election tick "
          << options.election_tick << ", heartbeat tick " << options.heartbeat_tick
          << ", max inflight blocks " << options.max_inflight_blocks << ", snapshot interval "
          << options.snapshot_interval_size << " bytes\n";
    }
    out << "  batch size:         max " << orderer.max_message_count << " messages, absolute max "
        << orderer.absolute_max_bytes << " bytes, preferred max " << orderer.preferred_max_bytes
        << " bytes\n";
    out << "  batch timeout:      " << OrNone(orderer.batch_timeout) << "\n";
    out << "  max channels:       "
        << (orderer.max_channels == 0 ? "no limit" : std::to_string(orderer.max_channels)) << "\n";
    if (!orderer.kafka_brokers.empty())
      out << "  kafka brokers:      " << Join(orderer.kafka_brokers) << "\n";
    out << "  capabilities:       " << OrNone(Join(orderer.capabilities.names)) << "\n";
    out << "  organizations:\n";
    for (const auto& [name, org] : orderer.orgs) DescribeOrg(out, org);
  }

  if (config.application) {
    const ApplicationConfig& application = *config.application;
    out << "application\n";
    out << "  capabilities:       " << OrNone(Join(application.capabilities.names)) << "\n";
    out << "  organizations:\n";
    for (const auto& [name, org] : application.orgs) DescribeOrg(out, org);
    if (!application.acls.empty()) {
      out << "  ACLs:\n";
      for (const auto& [resource, policy] : application.acls)
        out << "    " << resource << " -> " << policy << "\n";
    }
  }

  out << "policies\n";
  for (const auto& [path, policy] : config.policies) {
    const char* kind = policy.kind == PolicyInfo::Kind::kSignature      ? "Signature"
                       : policy.kind == PolicyInfo::Kind::kImplicitMeta ? "ImplicitMeta"
                                                                        : "Other";
    out << "  " << path << "  " << kind << "  " << policy.text << "\n";
  }
  return out.str();
}

}  // namespace loom::channelconfig
