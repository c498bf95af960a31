// The metrics Loom exports, under Fabric's own names, help texts and label
// names (Fabric 2.2: orderer/common/broadcast, orderer/common/blockcutter,
// orderer/consensus/etcdraft, common/deliver, common/ledger/blkstorage,
// core/ledger/kvledger, core/endorser, core/chaincode, common/grpcmetrics),
// so the Prometheus queries and Grafana dashboards Fabric operators use work
// on Loom unchanged. Loom-only metrics are at the end, under "loom_".
//
// Use: `auto* processed = registry.NewCounter(kBroadcastProcessedCount).value();`
// then `processed->With({channel, "ENDORSER_TRANSACTION", "SUCCESS"}).Inc();`.
// Durations are in seconds, as in Fabric.
#pragma once

#include "core/ops/metrics.h"

namespace loom::ops {

// Label values Fabric uses.
inline constexpr std::string_view kBoolTrue = "true";
inline constexpr std::string_view kBoolFalse = "false";

// Buckets Fabric's ledger histograms name explicitly.
inline const std::vector<double> kLedgerBuckets = {0.005, 0.01, 0.015, 0.05, 0.1, 1, 10};

// --- orderer: broadcast (labels: channel, type = HeaderType name, status = common.Status name) ---
inline const HistogramOpts kBroadcastValidateDuration{{"broadcast",
                                                       "",
                                                       "validate_duration",
                                                       "The time to validate a transaction in seconds.",
                                                       {"channel", "type", "status"}},
                                                      {}};
inline const HistogramOpts kBroadcastEnqueueDuration{{"broadcast",
                                                      "",
                                                      "enqueue_duration",
                                                      "The time to enqueue a transaction in seconds.",
                                                      {"channel", "type", "status"}},
                                                     {}};
inline const MetricOpts kBroadcastProcessedCount{"broadcast",
                                                 "",
                                                 "processed_count",
                                                 "The number of transactions processed.",
                                                 {"channel", "type", "status"}};

// --- orderer: block cutter ---
inline const HistogramOpts kBlockcutterBlockFillDuration{
    {"blockcutter",
     "",
     "block_fill_duration",
     "The time from first transaction enqueing to the block being cut in seconds.",
     {"channel"}},
    {}};

// --- orderer: etcdraft consensus (Loom's Raft exports the same) ---
inline const MetricOpts kEtcdraftClusterSize{
    "consensus", "etcdraft", "cluster_size", "Number of nodes in this channel.", {"channel"}};
inline const MetricOpts kEtcdraftIsLeader{
    "consensus",
    "etcdraft",
    "is_leader",
    "The leadership status of the current node: 1 if it is the leader else 0.",
    {"channel"}};
inline const MetricOpts kEtcdraftCommittedBlockNumber{"consensus",
                                                      "etcdraft",
                                                      "committed_block_number",
                                                      "The block number of the latest block committed.",
                                                      {"channel"}};
inline const MetricOpts kEtcdraftSnapshotBlockNumber{"consensus",
                                                     "etcdraft",
                                                     "snapshot_block_number",
                                                     "The block number of the latest snapshot.",
                                                     {"channel"}};
inline const MetricOpts kEtcdraftLeaderChanges{"consensus",
                                               "etcdraft",
                                               "leader_changes",
                                               "The number of leader changes since process start.",
                                               {"channel"}};
inline const MetricOpts kEtcdraftProposalFailures{
    "consensus", "etcdraft", "proposal_failures", "The number of proposal failures.", {"channel"}};
inline const HistogramOpts kEtcdraftDataPersistDuration{
    {"consensus",
     "etcdraft",
     "data_persist_duration",
     "The time taken for etcd/raft data to be persisted in storage (in seconds).",
     {"channel"}},
    {}};
inline const MetricOpts kEtcdraftNormalProposalsReceived{
    "consensus",
    "etcdraft",
    "normal_proposals_received",
    "The total number of proposals received for normal type transactions.",
    {"channel"}};
inline const MetricOpts kEtcdraftConfigProposalsReceived{
    "consensus",
    "etcdraft",
    "config_proposals_received",
    "The total number of proposals received for config type transactions.",
    {"channel"}};

// --- orderer and peer: deliver (filtered, success: "true"/"false";
// data_type: "block", "filtered_block", "block_and_pvtdata") ---
inline const MetricOpts kDeliverStreamsOpened{
    "deliver",
    "",
    "streams_opened",
    "The number of GRPC streams that have been opened for the deliver service.",
    {}};
inline const MetricOpts kDeliverStreamsClosed{
    "deliver",
    "",
    "streams_closed",
    "The number of GRPC streams that have been closed for the deliver service.",
    {}};
inline const MetricOpts kDeliverRequestsReceived{"deliver",
                                                 "",
                                                 "requests_received",
                                                 "The number of deliver requests that have been received.",
                                                 {"channel", "filtered", "data_type"}};
inline const MetricOpts kDeliverRequestsCompleted{"deliver",
                                                  "",
                                                  "requests_completed",
                                                  "The number of deliver requests that have been completed.",
                                                  {"channel", "filtered", "data_type", "success"}};
inline const MetricOpts kDeliverBlocksSent{"deliver",
                                           "",
                                           "blocks_sent",
                                           "The number of blocks sent by the deliver service.",
                                           {"channel", "filtered", "data_type"}};

// --- orderer and peer: ledger ---
inline const MetricOpts kLedgerBlockchainHeight{
    "ledger", "", "blockchain_height", "Height of the chain in blocks.", {"channel"}};
inline const HistogramOpts kLedgerBlockstorageCommitTime{
    {"ledger",
     "",
     "blockstorage_commit_time",
     "Time taken in seconds for committing the block and private data to storage.",
     {"channel"}},
    kLedgerBuckets};

// --- peer: ledger (validation_code: TxValidationCode name) ---
inline const HistogramOpts kLedgerBlockProcessingTime{{"ledger",
                                                       "",
                                                       "block_processing_time",
                                                       "Time taken in seconds for ledger block processing.",
                                                       {"channel"}},
                                                      kLedgerBuckets};
inline const HistogramOpts kLedgerStatedbCommitTime{
    {"ledger",
     "",
     "statedb_commit_time",
     "Time taken in seconds for committing block changes to state db.",
     {"channel"}},
    kLedgerBuckets};
inline const MetricOpts kLedgerTransactionCount{
    "ledger",
    "",
    "transaction_count",
    "Number of transactions processed.",
    {"channel", "transaction_type", "chaincode", "validation_code"}};

// --- peer: endorser. Fabric's name really is "propsal_duration". ---
inline const HistogramOpts kEndorserProposalDuration{{"endorser",
                                                      "",
                                                      "propsal_duration",
                                                      "The time to complete a proposal.",
                                                      {"channel", "chaincode", "success"}},
                                                     {}};
inline const MetricOpts kEndorserProposalsReceived{
    "endorser", "", "proposals_received", "The number of proposals received.", {}};
inline const MetricOpts kEndorserSuccessfulProposals{
    "endorser", "", "successful_proposals", "The number of successful proposals.", {}};
inline const MetricOpts kEndorserProposalValidationFailures{
    "endorser",
    "",
    "proposal_validation_failures",
    "The number of proposals that have failed initial validation.",
    {}};
inline const MetricOpts kEndorserProposalAclFailures{"endorser",
                                                     "",
                                                     "proposal_acl_failures",
                                                     "The number of proposals that failed ACL checks.",
                                                     {"channel", "chaincode"}};
inline const MetricOpts kEndorserChaincodeInstantiationFailures{
    "endorser",
    "",
    "chaincode_instantiation_failures",
    "The number of chaincode instantiations or upgrade that have failed.",
    {"channel", "chaincode"}};
inline const MetricOpts kEndorserEndorsementFailures{"endorser",
                                                     "",
                                                     "endorsement_failures",
                                                     "The number of failed endorsements.",
                                                     {"channel", "chaincode", "chaincodeerror"}};
inline const MetricOpts kEndorserDuplicateTransactionFailures{
    "endorser",
    "",
    "duplicate_transaction_failures",
    "The number of failed proposals due to duplicate transaction ID.",
    {"channel", "chaincode"}};

// --- peer: chaincode runtime (type: shim message type) ---
inline const MetricOpts kChaincodeExecuteTimeouts{
    "chaincode",
    "",
    "execute_timeouts",
    "The number of chaincode executions (Init or Invoke) that have timed out.",
    {"chaincode"}};
inline const HistogramOpts kChaincodeLaunchDuration{
    {"chaincode", "", "launch_duration", "The time to launch a chaincode.", {"chaincode", "success"}}, {}};
inline const MetricOpts kChaincodeLaunchFailures{
    "chaincode", "", "launch_failures", "The number of chaincode launches that have failed.", {"chaincode"}};
inline const MetricOpts kChaincodeLaunchTimeouts{"chaincode",
                                                 "",
                                                 "launch_timeouts",
                                                 "The number of chaincode launches that have timed out.",
                                                 {"chaincode"}};
inline const HistogramOpts kChaincodeShimRequestDuration{{"chaincode",
                                                          "",
                                                          "shim_request_duration",
                                                          "The time to complete chaincode shim requests.",
                                                          {"type", "channel", "chaincode", "success"}},
                                                         {}};
inline const MetricOpts kChaincodeShimRequestsCompleted{"chaincode",
                                                        "",
                                                        "shim_requests_completed",
                                                        "The number of chaincode shim requests completed.",
                                                        {"type", "channel", "chaincode", "success"}};
inline const MetricOpts kChaincodeShimRequestsReceived{"chaincode",
                                                       "",
                                                       "shim_requests_received",
                                                       "The number of chaincode shim requests received.",
                                                       {"type", "channel", "chaincode"}};

// --- orderer and peer: gRPC server (service: "orderer.AtomicBroadcast", method: "Broadcast";
// code: gRPC status code name) ---
inline const HistogramOpts kGrpcServerUnaryRequestDuration{{"grpc",
                                                            "server",
                                                            "unary_request_duration",
                                                            "The time to complete a unary request.",
                                                            {"service", "method", "code"}},
                                                           {}};
inline const MetricOpts kGrpcServerUnaryRequestsReceived{"grpc",
                                                         "server",
                                                         "unary_requests_received",
                                                         "The number of unary requests received.",
                                                         {"service", "method"}};
inline const MetricOpts kGrpcServerUnaryRequestsCompleted{"grpc",
                                                          "server",
                                                          "unary_requests_completed",
                                                          "The number of unary requests completed.",
                                                          {"service", "method", "code"}};
inline const HistogramOpts kGrpcServerStreamRequestDuration{{"grpc",
                                                             "server",
                                                             "stream_request_duration",
                                                             "The time to complete a stream request.",
                                                             {"service", "method", "code"}},
                                                            {}};
inline const MetricOpts kGrpcServerStreamRequestsReceived{"grpc",
                                                          "server",
                                                          "stream_requests_received",
                                                          "The number of stream requests received.",
                                                          {"service", "method"}};
inline const MetricOpts kGrpcServerStreamRequestsCompleted{"grpc",
                                                           "server",
                                                           "stream_requests_completed",
                                                           "The number of stream requests completed.",
                                                           {"service", "method", "code"}};
inline const MetricOpts kGrpcServerStreamMessagesReceived{"grpc",
                                                          "server",
                                                          "stream_messages_received",
                                                          "The number of stream messages received.",
                                                          {"service", "method"}};
inline const MetricOpts kGrpcServerStreamMessagesSent{
    "grpc", "server", "stream_messages_sent", "The number of stream messages sent.", {"service", "method"}};
inline const MetricOpts kGrpcCommConnOpened{
    "grpc",
    "comm",
    "conn_opened",
    "gRPC connections opened. Open minus closed is the active number of connections.",
    {}};
inline const MetricOpts kGrpcCommConnClosed{
    "grpc",
    "comm",
    "conn_closed",
    "gRPC connections closed. Open minus closed is the active number of connections.",
    {}};

// --- Loom-only ---
// reason: "count", "bytes", "oversized", "timeout", "config".
inline const MetricOpts kLoomBlocksCut{"loom",
                                       "blockcutter",
                                       "blocks_cut",
                                       "The number of blocks cut, by the rule that cut them.",
                                       {"channel", "reason"}};
inline const HistogramOpts kLoomBatchEnvelopes{
    {"loom", "blockcutter", "batch_envelopes", "The number of envelopes in each block cut.", {"channel"}},
    {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000}};
inline const HistogramOpts kLoomBatchBytes{{"loom",
                                            "blockcutter",
                                            "batch_bytes",
                                            "The size of the envelopes in each block cut, in bytes.",
                                            {"channel"}},
                                           {1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 512 << 10,
                                            1 << 20, 2 << 20, 4 << 20, 16 << 20, 64 << 20}};
inline const MetricOpts kLoomConsensusTerm{
    "loom", "consensus", "term", "The current consensus term (Raft term; 0 for solo).", {"channel"}};
inline const MetricOpts kLoomConsensusCommitIndex{
    "loom",
    "consensus",
    "commit_index",
    "The index of the last committed entry of the ordering log.",
    {"channel"}};
inline const MetricOpts kLoomConsensusSnapshotIndex{
    "loom",
    "consensus",
    "snapshot_index",
    "The last Raft index covered by this node's latest snapshot.",
    {"channel"}};
inline const MetricOpts kLoomConsensusLogFirstIndex{
    "loom",
    "consensus",
    "log_first_index",
    "The first Raft index still in this node's log (earlier entries were truncated after a snapshot).",
    {"channel"}};
inline const MetricOpts kLoomConsensusLastLogIndex{
    "loom",
    "consensus",
    "last_log_index",
    "The index of the last entry appended to the ordering log.",
    {"channel"}};
inline const HistogramOpts kLoomLogSyncDuration{
    {"loom",
     "orderer",
     "log_sync_duration",
     "The time to make a group of ordering log entries durable (write and fsync) in seconds.",
     {"channel"}},
    {}};
inline const HistogramOpts kLoomLogSyncEntries{
    {"loom",
     "orderer",
     "log_sync_entries",
     "The number of ordering log entries made durable by one fsync.",
     {"channel"}},
    {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}};
inline const HistogramOpts kLoomVsccDuration{
    {"loom",
     "validator",
     "vscc_duration",
     "Time taken in seconds for the endorsement policy (VSCC) checks of a block.",
     {"channel"}},
    kLedgerBuckets};
inline const HistogramOpts kLoomMvccDuration{
    {"loom",
     "validator",
     "mvcc_duration",
     "Time taken in seconds for the MVCC and phantom checks of a block.",
     {"channel"}},
    kLedgerBuckets};
inline const MetricOpts kLoomTraceEventsPublished{
    "loom", "trace", "events_published", "The number of trace events published by this node.", {}};
inline const MetricOpts kLoomTraceEventsDropped{
    "loom",
    "trace",
    "events_dropped",
    "The number of trace events dropped for slow Observer subscribers.",
    {}};

}  // namespace loom::ops
